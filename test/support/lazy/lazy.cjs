/**
 * A module that loads only when first used: a stand-in, for the Pulumi SDK,
 * for packages and modules it loads at start-up and that an offline run under
 * mocks uses seldom or never: closure serialization's (TypeScript's compiler,
 * 9 MB, and @npmcli/arborist, with pacote, tar, sigstore, ...), the Automation
 * API, gRPC and its clients of a real engine (./resolver.cjs lists them all).
 * jest pays the SDK's load time again in every test file (a new module
 * registry each); ./resolver.cjs gives the SDK's requests for them the
 * stand-ins of this folder (infra project), ./register.cjs does in a plain
 * Node process.
 *
 * Any use goes to the real module, loaded then from `path`: a property read,
 * `in`, listing the keys. `__esModule` answers `true` without loading (so that
 * TypeScript's `__importStar`, as the SDK imports arborist, keeps the stand-in
 * instead of copying every key), and `default` answers what `__importDefault`
 * would have made of the real module.
 *
 * Plain CommonJS (jest transforms only .ts/.tsx here).
 */
'use strict';

/** A stand-in for the module at `path`, which is required the first time it is used. */
function lazyModule(load) {
  let real;
  const module = () => (real ??= load());
  return new Proxy(
    {},
    {
      get(_target, key) {
        if (key === '__esModule') return true;
        const m = module();
        if (key === 'default' && !m.__esModule) return m;
        return m[key];
      },
      has: (_target, key) => key === '__esModule' || key in module(),
      ownKeys: () => Reflect.ownKeys(module()),
      getOwnPropertyDescriptor(_target, key) {
        const descriptor = Reflect.getOwnPropertyDescriptor(module(), key);
        // Reported configurable: a proxy may not report a non-configurable property its (empty) target lacks.
        return descriptor && { ...descriptor, configurable: true };
      },
      set: (_target, key, value) => Reflect.set(module(), key, value),
    },
  );
}

module.exports = { lazyModule };
