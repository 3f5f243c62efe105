{{/* Name of the app; every object of the release is named after it. */}}
{{- define "aks-app.name" -}}
{{- required "app.name is required (api, agent or frontend)" .Values.app.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the app's pods. */}}
{{- define "aks-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aks-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "aks-app.labels" -}}
{{ include "aks-app.selectorLabels" . }}
app.kubernetes.io/component: {{ required "app.role is required (api, agent or frontend)" .Values.app.role }}
app.kubernetes.io/part-of: aks-platform
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Name of the SecretProviderClass. */}}
{{- define "aks-app.spcName" -}}
{{- printf "%s-keyvault" (include "aks-app.name" .) -}}
{{- end -}}

{{/* Name of the Ingress (the app-routing Key Vault secret is keyvault-<this>). */}}
{{- define "aks-app.ingressName" -}}
{{- include "aks-app.name" . -}}
{{- end -}}

{{/* The digest-pinned image reference, validated. */}}
{{- define "aks-app.image" -}}
{{- $ref := required "image.ref is required: <registry>/<repository>@sha256:<digest>" .Values.image.ref -}}
{{- if not (regexMatch "^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$" $ref) -}}
{{- fail (printf "image.ref %q must be pinned by digest: <registry>/<repository>@sha256:<64 hex>" $ref) -}}
{{- end -}}
{{- $ref -}}
{{- end -}}

{{/* A probe on the "http" port. Argument: dict "p" <probe values>. */}}
{{- define "aks-app.probe" -}}
httpGet:
  path: {{ required "every probe needs a path" .p.path }}
  port: http
  scheme: HTTP
periodSeconds: {{ .p.periodSeconds }}
timeoutSeconds: {{ .p.timeoutSeconds }}
failureThreshold: {{ .p.failureThreshold }}
{{- end -}}

{{/* A NetworkPolicy peer from {namespace, podLabels?}. */}}
{{- define "aks-app.peer" -}}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ required "a network policy peer needs a namespace" .namespace }}
  {{- with .podLabels }}
  podSelector:
    matchLabels:
      {{- toYaml . | nindent 6 }}
  {{- end }}
{{- end -}}
