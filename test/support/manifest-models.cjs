/**
 * Schema validation of rendered Kubernetes objects by their kubernetes-models
 * class (test/support/chart.ts validateManifest), loaded once per jest worker.
 *
 * The model packages are large (each class loads its generated schema module
 * and the validator runtime), and the Gateway API's HTTPRoute compiles its JSON
 * schema with ajv when it first validates: measured in a plain Node process,
 * ~0.3 s to load and ~0.4 s for the first HTTPRoute validation. In a test file's
 * realm every file that renders the chart would pay both again. The infra test
 * environment (./environment.ts) therefore loads this module with Node's
 * require, once per worker, and puts {@link problemOfJson} on each file's
 * global: a file hands over the object as JSON text and gets back a string or
 * null, so nothing of one realm reaches another. Outside jest, or for an object
 * JSON would change, chart.ts uses {@link problemOf} in its own realm. Both
 * validate with the same classes in the same way: same verdicts, same messages.
 *
 * Plain CommonJS: the environment requires it at run time, after jest's
 * transform hook for its own load is gone.
 */
'use strict';

/** The global on which the infra environment puts the worker's {@link problemOfJson}. */
const MANIFEST_MODELS_GLOBAL = '__aksPlatformManifestModels';

/** The model class for each `apiVersion/kind`, required when first asked for. */
const MODELS = {
  'batch/v1/Job': () => require('kubernetes-models/batch/v1/Job').Job,
  'apps/v1/Deployment': () => require('kubernetes-models/apps/v1/Deployment').Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': () => require('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler').HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': () => require('kubernetes-models/networking.k8s.io/v1/Ingress').Ingress,
  'gateway.networking.k8s.io/v1/HTTPRoute': () => require('@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute').HTTPRoute,
  'networking.k8s.io/v1/NetworkPolicy': () => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').NetworkPolicy,
  'policy/v1/PodDisruptionBudget': () => require('kubernetes-models/policy/v1/PodDisruptionBudget').PodDisruptionBudget,
  'v1/Service': () => require('kubernetes-models/v1/Service').Service,
  'v1/ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount').ServiceAccount,
};

/**
 * What the object's model class finds wrong with it: the validation error's message; null when
 * it is valid; undefined when no model class validates its `apiVersion/kind`.
 */
function problemOf(manifest) {
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  if (!Object.hasOwn(MODELS, key)) return undefined;
  const Model = MODELS[key]();
  try {
    new Model(manifest).validate();
    return null;
  } catch (err) {
    return String(err && err.message);
  }
}

/** {@link problemOf} for the object as JSON text (for callers in another realm). */
function problemOfJson(json) {
  return problemOf(JSON.parse(json));
}

module.exports = { MANIFEST_MODELS_GLOBAL, problemOf, problemOfJson };
