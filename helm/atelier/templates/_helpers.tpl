{{- define "atelier.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "atelier.fullname" -}}
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

{{- define "atelier.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "atelier.labels" -}}
helm.sh/chart: {{ include "atelier.chart" . }}
{{ include "atelier.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "atelier.selectorLabels" -}}
app.kubernetes.io/name: {{ include "atelier.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "atelier.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "atelier.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "atelier.claimName" -}}
{{- default (printf "%s-data" (include "atelier.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{- define "atelier.databaseSecret" -}}
{{- default (printf "%s-database" (include "atelier.fullname" .)) .Values.database.existingSecret }}
{{- end }}

{{- define "atelier.authSecret" -}}
{{- default (printf "%s-auth" (include "atelier.fullname" .)) .Values.auth.existingSecret }}
{{- end }}

{{- define "atelier.s3Secret" -}}
{{- default (printf "%s-s3" (include "atelier.fullname" .)) .Values.storage.s3.existingSecret }}
{{- end }}

{{- define "atelier.distributed" -}}
{{- if eq .Values.mode "distributed" }}true{{ end }}
{{- end }}

{{/* Whether the pods mount the data volume from a claim: always in mode single, and in mode
distributed with filesystem storage (there, a ReadWriteMany claim). */}}
{{- define "atelier.usesClaim" -}}
{{- if or (eq .Values.mode "single") (eq .Values.storage.type "filesystem") }}true{{ end }}
{{- end }}

{{/* Settings that values.schema.json cannot check on its own, with a message that says what to do. */}}
{{- define "atelier.validate" -}}
{{- if include "atelier.distributed" . }}
{{- if not .Values.database.url }}
{{- fail "mode distributed needs PostgreSQL: set database.url (jdbc:postgresql://host:5432/atelier), database.username and database.password or database.existingSecret" }}
{{- end }}
{{- if not (or .Values.database.password .Values.database.existingSecret) }}
{{- fail "mode distributed needs the database password: set database.password or database.existingSecret" }}
{{- end }}
{{- if and (eq .Values.storage.type "filesystem") (not .Values.persistence.existingClaim) (not (has "ReadWriteMany" .Values.persistence.accessModes)) }}
{{- fail "mode distributed with storage.type filesystem shares one volume between every pod: set persistence.accessModes to [ReadWriteMany], or persistence.existingClaim, or use storage.type s3" }}
{{- end }}
{{- end }}
{{- if and (eq .Values.storage.type "s3") (not .Values.storage.s3.bucket) }}
{{- fail "storage.type s3 needs storage.s3.bucket" }}
{{- end }}
{{- if and (eq .Values.storage.type "s3") (not .Values.storage.s3.existingSecret) (ne (empty .Values.storage.s3.accessKey) (empty .Values.storage.s3.secretKey)) }}
{{- fail "set both storage.s3.accessKey and storage.s3.secretKey, or neither (the SDK's default credentials), or storage.s3.existingSecret" }}
{{- end }}
{{- end }}

{{/*
The pod template of every Deployment. Parameters: root (the chart's context) and component: "" in
mode single (role all), "api" or "worker" in mode distributed.
*/}}
{{- define "atelier.podTemplate" -}}
{{- $root := .root }}
{{- $component := .component }}
{{- $values := $root.Values }}
{{- $own := ternary (dict "resources" $values.resources "terminationGracePeriodSeconds" $values.terminationGracePeriodSeconds) (get $values $component | default dict) (eq $component "") -}}
metadata:
  annotations:
    {{- if $values.metrics.scrapeAnnotations }}
    prometheus.io/scrape: "true"
    prometheus.io/path: /actuator/prometheus
    prometheus.io/port: {{ $values.service.port | quote }}
    {{- end }}
    {{- with $values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  labels:
    {{- include "atelier.labels" $root | nindent 4 }}
    {{- with $component }}
    app.kubernetes.io/component: {{ . }}
    {{- end }}
    {{- with $values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- with $values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  serviceAccountName: {{ include "atelier.serviceAccountName" $root }}
  terminationGracePeriodSeconds: {{ $own.terminationGracePeriodSeconds }}
  automountServiceAccountToken: {{ $values.serviceAccount.automount }}
  securityContext:
    {{- toYaml $values.podSecurityContext | nindent 4 }}
  containers:
    - name: atelier
      image: "{{ $values.image.repository }}:{{ $values.image.tag | default $root.Chart.AppVersion }}"
      imagePullPolicy: {{ $values.image.pullPolicy }}
      securityContext:
        {{- toYaml $values.securityContext | nindent 8 }}
      ports:
        - name: http
          containerPort: 8080
          protocol: TCP
      env:
        {{- with $component }}
        - name: ATELIER_ROLE
          value: {{ . }}
        {{- end }}
        {{- if eq $component "worker" }}
        # The pod's name, so that a job's "worker" names the pod that runs it.
        - name: ATELIER_WORKER_ID
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        {{- end }}
        - name: ATELIER_DATA_DIR
          value: /data
        - name: DJL_OFFLINE
          value: "true"
        - name: JAVA_TOOL_OPTIONS
          value: {{ $values.config.javaOptions | quote }}
        - name: ATELIER_JOBS_CONCURRENCY
          value: {{ $values.config.jobs.concurrency | quote }}
        - name: ATELIER_JOBS_QUEUECAPACITY
          value: {{ $values.config.jobs.queueCapacity | quote }}
        - name: ATELIER_JOBS_ONRESTART
          value: {{ $values.config.jobs.onRestart | quote }}
        {{- if $component }}
        - name: ATELIER_JOBS_LEASEDURATION
          value: {{ $values.config.jobs.leaseDuration | quote }}
        - name: ATELIER_JOBS_HEARTBEATINTERVAL
          value: {{ $values.config.jobs.heartbeatInterval | quote }}
        - name: ATELIER_JOBS_MAXATTEMPTS
          value: {{ $values.config.jobs.maxAttempts | quote }}
        {{- end }}
        - name: ATELIER_SECURITY_METRICSPUBLIC
          value: {{ $values.auth.metricsPublic | quote }}
        {{- if or $values.auth.trainerKeys $values.auth.predictorKeys $values.auth.existingSecret }}
        - name: ATELIER_SECURITY_TRAINERKEYS
          valueFrom:
            secretKeyRef:
              name: {{ include "atelier.authSecret" $root }}
              key: trainer-keys
              optional: true
        - name: ATELIER_SECURITY_PREDICTORKEYS
          valueFrom:
            secretKeyRef:
              name: {{ include "atelier.authSecret" $root }}
              key: predictor-keys
              optional: true
        {{- end }}
        {{- if $values.auth.keysFile.existingSecret }}
        - name: ATELIER_SECURITY_KEYSFILE
          value: /etc/atelier/keys/keys
        {{- end }}
        - name: ATELIER_STORE_KEEPCHECKPOINTS
          value: {{ $values.config.store.keepCheckpoints | quote }}
        - name: ATELIER_INFERENCE_MAXIMAGESIZE
          value: {{ $values.config.inference.maxImageSize | quote }}
        - name: ATELIER_INFERENCE_MAXPIXELS
          value: {{ $values.config.inference.maxPixels | int64 | quote }}
        - name: ATELIER_INFERENCE_PREDICTORSPERMODEL
          value: {{ $values.config.inference.predictorsPerModel | quote }}
        - name: ATELIER_INFERENCE_MAXLOADEDMODELS
          value: {{ $values.config.inference.maxLoadedModels | quote }}
        - name: ATELIER_DATASETS_FASHIONMNIST_DOWNLOAD
          value: {{ $values.config.datasets.fashionMnist.download | quote }}
        {{- if $values.database.url }}
        - name: SPRING_DATASOURCE_URL
          value: {{ $values.database.url | quote }}
        - name: SPRING_DATASOURCE_USERNAME
          value: {{ $values.database.username | quote }}
        - name: SPRING_DATASOURCE_PASSWORD
          valueFrom:
            secretKeyRef:
              name: {{ include "atelier.databaseSecret" $root }}
              key: password
        {{- end }}
        {{- if eq $values.storage.type "s3" }}
        - name: ATELIER_STORAGE_TYPE
          value: s3
        - name: ATELIER_STORAGE_S3_ENDPOINT
          value: {{ $values.storage.s3.endpoint | quote }}
        - name: ATELIER_STORAGE_S3_BUCKET
          value: {{ $values.storage.s3.bucket | quote }}
        - name: ATELIER_STORAGE_S3_REGION
          value: {{ $values.storage.s3.region | quote }}
        - name: ATELIER_STORAGE_S3_PATHSTYLE
          value: {{ $values.storage.s3.pathStyle | quote }}
        {{- if or $values.storage.s3.accessKey $values.storage.s3.existingSecret }}
        - name: ATELIER_STORAGE_S3_ACCESSKEY
          valueFrom:
            secretKeyRef:
              name: {{ include "atelier.s3Secret" $root }}
              key: access-key
        - name: ATELIER_STORAGE_S3_SECRETKEY
          valueFrom:
            secretKeyRef:
              name: {{ include "atelier.s3Secret" $root }}
              key: secret-key
        {{- end }}
        {{- end }}
        {{- with $values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      startupProbe:
        httpGet:
          path: /actuator/health/liveness
          port: http
        periodSeconds: {{ $values.probes.startup.periodSeconds }}
        failureThreshold: {{ $values.probes.startup.failureThreshold }}
      livenessProbe:
        httpGet:
          path: /actuator/health/liveness
          port: http
        periodSeconds: {{ $values.probes.liveness.periodSeconds }}
        failureThreshold: {{ $values.probes.liveness.failureThreshold }}
      readinessProbe:
        httpGet:
          path: /actuator/health/readiness
          port: http
        periodSeconds: {{ $values.probes.readiness.periodSeconds }}
        failureThreshold: {{ $values.probes.readiness.failureThreshold }}
      resources:
        {{- toYaml $own.resources | nindent 8 }}
      volumeMounts:
        - name: data
          mountPath: /data
        - name: tmp
          mountPath: /tmp
        {{- if $values.auth.keysFile.existingSecret }}
        # A directory, not a subPath: only then does the kubelet update the file when the Secret changes.
        - name: keys
          mountPath: /etc/atelier/keys
          readOnly: true
        {{- end }}
  volumes:
    - name: data
      {{- if include "atelier.usesClaim" $root }}
      persistentVolumeClaim:
        claimName: {{ include "atelier.claimName" $root }}
      {{- else }}
      # Checkpoints and models are in S3; the data directory only holds scratch files.
      emptyDir: {}
      {{- end }}
    # The root filesystem is read-only; Tomcat and the JVM still need a scratch directory.
    - name: tmp
      emptyDir: {}
    {{- with $values.auth.keysFile.existingSecret }}
    - name: keys
      secret:
        secretName: {{ . }}
        items:
          - key: keys
            path: keys
    {{- end }}
  {{- with $values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
