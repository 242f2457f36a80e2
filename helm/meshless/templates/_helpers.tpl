{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "meshless.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release name, unless it already contains the chart name. */}}
{{- define "meshless.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of the injector Deployment, Service, webhook configuration. */}}
{{- define "meshless.injector.fullname" -}}
{{- printf "%s-injector" (include "meshless.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "meshless.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "meshless.labels" -}}
helm.sh/chart: {{ include "meshless.chart" . }}
app.kubernetes.io/name: {{ include "meshless.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: meshless
{{- end }}

{{/* Labels of objects belonging to the injector component. */}}
{{- define "meshless.injector.labels" -}}
{{ include "meshless.labels" . }}
app.kubernetes.io/component: injector
{{- end }}

{{- define "meshless.injector.selectorLabels" -}}
app.kubernetes.io/name: {{ include "meshless.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: injector
{{- end }}

{{- define "meshless.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "meshless.injector.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "meshless.caSecretName" -}}
{{- default (printf "%s-ca" (include "meshless.fullname" .)) .Values.mesh.caSecretName }}
{{- end }}

{{/* The controller's Lease; fixed in the injector (no flag), so not derived from the release. */}}
{{- define "meshless.leaseName" -}}
meshless-injector-controller
{{- end }}

{{/* Secret holding the webhook serving certificate in modes secret and cert-manager. */}}
{{- define "meshless.webhookCertSecretName" -}}
{{- if eq .Values.webhook.certificate.mode "secret" }}
{{- required "webhook.certificate.secret.name is required when webhook.certificate.mode=secret" .Values.webhook.certificate.secret.name }}
{{- else }}
{{- printf "%s-webhook-tls" (include "meshless.injector.fullname" .) }}
{{- end }}
{{- end }}

{{- define "meshless.image" -}}
{{- printf "%s:%s" .repository (default .appVersion .tag) }}
{{- end }}

{{/* Namespaces the webhook never sees. */}}
{{- define "meshless.excludedNamespaces" -}}
{{- $ns := list "kube-system" "kube-public" "kube-node-lease" .Release.Namespace }}
{{- range .Values.webhook.excludeNamespaces }}{{- $ns = append $ns . }}{{- end }}
{{- toYaml (uniq $ns) }}
{{- end }}
