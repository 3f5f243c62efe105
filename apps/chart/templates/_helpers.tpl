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

{{/* Labels of one track's objects. Argument: dict "root" $ "name" <object name> "track" stable|canary. */}}
{{- define "aks-app.trackLabels" -}}
{{ include "aks-app.trackSelectorLabels" . }}
app.kubernetes.io/component: {{ required "app.role is required (api, agent or frontend)" .root.Values.app.role }}
app.kubernetes.io/part-of: aks-platform
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
aks-platform/track: {{ .track }}
{{- end -}}

{{/* Name of the SecretProviderClass. */}}
{{- define "aks-app.spcName" -}}
{{- printf "%s-keyvault" (include "aks-app.name" .) -}}
{{- end -}}

{{/* Name of the canary track's Deployment and Service. */}}
{{- define "aks-app.canaryName" -}}
{{- printf "%s-canary" (include "aks-app.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels of one track. Argument: dict "root" $ "name" <track object name>. The stable track's are the release's selector labels. */}}
{{- define "aks-app.trackSelectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Selects the pods of every track of the app (NetworkPolicy podSelector body). */}}
{{- define "aks-app.allTracksSelector" -}}
matchExpressions:
  - key: app.kubernetes.io/name
    operator: In
    values:
      - {{ include "aks-app.name" . }}
      {{- if .Values.canary.enabled }}
      - {{ include "aks-app.canaryName" . }}
      {{- end }}
  - key: app.kubernetes.io/instance
    operator: In
    values:
      - {{ .Release.Name }}
{{- end -}}

{{/*
The tracks the release runs: stable always, canary with canary.enabled. Each:
track, name (Deployment and Service), image, replicas, weight (HTTPRoute backend weight).
*/}}
{{- define "aks-app.tracks" -}}
{{- $c := .Values.canary -}}
{{- $weight := 0 -}}
{{- if $c.enabled -}}
{{- $weight = int $c.weight -}}
{{- if or (lt $weight 0) (gt $weight 100) -}}
{{- fail (printf "canary.weight %v must be an integer percentage from 0 to 100" $c.weight) -}}
{{- end -}}
{{- end -}}
- track: stable
  name: {{ include "aks-app.name" . }}
  image: {{ include "aks-app.image" . }}
  weight: {{ sub 100 $weight }}
{{- if $c.enabled }}
- track: canary
  name: {{ include "aks-app.canaryName" . }}
  image: {{ include "aks-app.imageRef" (dict "ref" $c.imageRef "key" "canary.imageRef") }}
  replicas: {{ $c.replicas }}
  weight: {{ $weight }}
{{- end }}
{{- end -}}

{{/* The digest-pinned image reference, validated. */}}
{{- define "aks-app.image" -}}
{{- include "aks-app.imageRef" (dict "ref" .Values.image.ref "key" "image.ref") -}}
{{- end -}}

{{/* A digest-pinned image reference, validated. Argument: dict "ref" <value> "key" <values path for errors>. */}}
{{- define "aks-app.imageRef" -}}
{{- $ref := required (printf "%s is required: <registry>/<repository>@sha256:<digest>" .key) .ref -}}
{{- if not (regexMatch "^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$" $ref) -}}
{{- fail (printf "%s %q must be pinned by digest: <registry>/<repository>@sha256:<64 hex>" .key $ref) -}}
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
