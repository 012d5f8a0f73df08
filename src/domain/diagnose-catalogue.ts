/**
 * Known causes for `diagnose`: what the storage-initializer logs when a download fails, what the kubelet reports about its
 * container, and what Kubernetes says about the model's pods. Each entry is matched against one log line, one container
 * state (`REASON: message`), or one event (`REASON: message`); the first entry in this list that matches wins, so the
 * most specific entries come first.
 *
 * Sources.
 * - KServe's Python storage code, read at v0.11.1, v0.13.1, v0.15.2, v0.16.0, v0.19.0 and v0.20.0:
 *   python/kserve/kserve/storage/storage.py up to v0.15.2; python/storage/kserve_storage/kserve_storage.py from v0.16.0;
 *   python/storage/kserve_storage/storage_errors.py from v0.19.0; python/storage-initializer/scripts/initializer-entrypoint.
 *   A `source` names the line at the newest tag that has it, and an older line where the text or the file differs.
 * - The libraries whose messages KServe passes through, at the versions python/storage/uv.lock pins at v0.19.0/v0.20.0:
 *   botocore 1.38.33 (exceptions.py), huggingface_hub 0.32.4 (utils/_http.py, _snapshot_download.py, file_download.py),
 *   dulwich 1.0.0 (client.py), google-cloud-storage 2.19.0 / google-api-core, azure-core 1.41 / azure-storage-blob 12.25,
 *   requests 2.32 / urllib3 2.x, and Python's ssl and OSError texts (`[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify
 *   failed: …`, `[Errno 28] No space left on device`).
 * - Kubernetes: kubelet container reasons, scheduler and eviction messages, and the apiserver's admission messages
 *   (k8s.io/apiserver pkg/admission/plugin/resourcequota/controller.go "exceeded quota: …", webhook/errors "admission
 *   webhook %q denied the request", util/webhook/error.go "failed calling webhook %q").
 *
 * How KServe's logs look, by version.
 * - Up to v0.16.0 the entrypoint has no try/except: a failure ends in a Python traceback whose last line is
 *   `<module.ExceptionClass>: <message>` (e.g. `botocore.exceptions.ClientError: An error occurred (AccessDenied) …`).
 * - From v0.19.0 the entrypoint logs `Storage initialization failed: <message>` (RuntimeError) or `Unexpected error during
 *   storage initialization: <message>` (anything else) and exits 1, and most provider errors go through
 *   storage_errors.raise_storage_error, which first logs the library's own text (`<Protocol> error for <uri>: <error>`,
 *   storage_errors.py:42) and then raises a friendlier summary.
 *
 * What is deliberately not matched.
 * - The v0.19.0+ summaries that lump several causes together ("S3/Azure/HuggingFace/HTTP authentication failed. …",
 *   "Failed to connect to <Protocol> endpoint '…'." but for HuggingFace, "Access denied to GCS resource '…'.",
 *   "<Protocol> error: <error>", which repeats the error). `diagnose` reads a log from
 *   its newest line back and stops at the first line that matches; the summary is the newest line, and the line before it
 *   carries the library's own text, which the entries below tell apart (credentials missing vs wrong region vs denied;
 *   DNS vs refused vs TLS vs proxy). Summaries that name one cause only ("Invalid AWS credentials", "S3 resource '…' not
 *   found.", "GCS authentication failed", "HDFS resource '…' not found.", the HTTP status messages) are matched.
 * - Warnings a successful download also logs ("Azure credentials or shared access signature token not found, retrying
 *   anonymous access", "Global ca bundle file(…) not found, using the default trust store."): `diagnose` reads the log of a
 *   container that succeeded too.
 * - `Storage initialization failed:` / `Unexpected error during storage initialization:` on their own: the entries match
 *   the message they wrap.
 *
 * Ids: DG1xx log lines, DG2xx container states, DG3xx events. diagnose.ts makes DG0xx itself (DG001 KServe refuses,
 * DG010 Pod Security, DG020/DG021 no pods, DG030 not injected, DG040 stale pod, DG050 download stalled, DG060
 * OOMKilled with a computed limit, DG090 failed with no known cause); DG201 is the same cause as DG060, a fallback when
 * the state is matched as text.
 *
 * Regexes: JavaScript, unanchored for log lines (lines may carry a timestamp and a logger prefix), anchored at the reason
 * for states and events; no nested quantifiers, at most one lazy `.*?` per alternative.
 */

export interface KnownCause {
  /** stable, e.g. 'DG101' */
  id: string
  /** kebab-case, e.g. 's3-access-denied' */
  name: string
  /** one line: the cause */
  title: string
  /** log: the storage-initializer's log; model-log: the model server's (kserve-container), after a download that succeeded */
  where: 'log' | 'state' | 'event' | 'model-log'
  /** matched against a log line, a container state `REASON: message`, or an event `REASON: message` */
  match: RegExp
  /**
   * a line as it appears in a real run: the log line KServe or the library writes (from the source cited), or the
   * state/event text `REASON: message` Kubernetes writes
   */
  example: string
  /** the storage URI schemes the cause is specific to */
  schemes?: string[]
  /** what to do, in one line; {name} {namespace} {uri} are the model's */
  fix: string
  /** where the message comes from: a KServe file:line@tag, a library, or 'kubernetes' */
  source: string
}

const KS20 = 'python/storage/kserve_storage/kserve_storage.py'
const ERR20 = 'python/storage/kserve_storage/storage_errors.py'
const OLD = 'python/kserve/kserve/storage/storage.py'
const ENTRY = 'python/storage-initializer/scripts/initializer-entrypoint'

const AZURE = ['https://*.blob.core.windows.net/', 'https://*.file.core.windows.net/']

/**
 * The prefix KServe's logger puts before a line from v0.19.0 (python/storage/kserve_storage/logging.py@v0.20.0:
 * time, pid, logger name, level, [file:function():line]), and the lines that wrap a provider's error.
 */
const logged = (at: string) => `2025-06-12 09:41:27.381 1 storage.initializer ERROR [${at}] `
/** storage_errors.py:42@v0.20.0: "<Protocol> error for <uri>: <error>", logged before the summary is raised */
const RAISED = logged('storage_errors.py:raise_storage_error():42')
/** initializer-entrypoint:28@v0.20.0: a RuntimeError */
const FAILED = `${logged('initializer-entrypoint:<module>():28')}Storage initialization failed: `
/** initializer-entrypoint:31@v0.20.0: any other exception, its class name dropped */
const UNEXPECTED = `${logged('initializer-entrypoint:<module>():31')}Unexpected error during storage initialization: `
const LOGGED_S3 = logged('kserve_storage.py:_download_s3():593')
const LOGGED_AZ = logged('kserve_storage.py:_download_azure_blob_async():974')
const CONFIDENTIAL = logged('initializer-entrypoint:<module>():63')

/** How credentials reach the storage-initializer (pkg/credentials/service_account_credentials.go@v0.20.0). */
const ATTACH =
  "list the Secret under `secrets:` of the predictor's service account (spec.predictor.serviceAccountName, else default) or annotate the model: kubectl annotate isvc {name} -n {namespace} serving.kserve.io/storageSecretName=SECRET"

export const CATALOGUE: KnownCause[] = [
  // ───────────────────────────── log lines: the node, the pod's disk and memory ─────────────────────────────
  {
    id: 'DG101',
    name: 'disk-full',
    title: 'the model does not fit the disk the storage-initializer writes to (No space left on device)',
    where: 'log',
    match: /No space left on device|\[Errno 28\]|os error 28\b|Not enough free disk space to download the file/,
    example: `${UNEXPECTED}[Errno 28] No space left on device`,
    fix: "the model goes to the emptyDir kserve-provision-location on the node's ephemeral storage: use nodes with more disk, or put the model on a PVC (storageUri pvc://CLAIM/PATH) or in a modelcar (oci://), and check the node with kubectl describe node",
    source: `Python OSError errno 28 (ENOSPC); huggingface_hub 0.32.4 file_download.py:800 (_check_disk_space warning); surfaced by ${ENTRY}:31@v0.20.0`,
  },
  {
    id: 'DG102',
    name: 'python-memory-error',
    title: 'the storage-initializer ran out of memory inside Python (MemoryError)',
    where: 'log',
    match: /\bMemoryError\b/,
    example: 'MemoryError',
    fix: 'kubectl storage-init set-resources --isvc {name} -n {namespace} --limits memory=<twice the current limit, e.g. 4Gi>',
    source: 'Python MemoryError',
  },
  {
    id: 'DG103',
    name: 'local-permission-denied',
    title: 'the storage-initializer may not write where it downloads to ([Errno 13] Permission denied)',
    where: 'log',
    match: /\[Errno 13\] Permission denied/,
    example: "PermissionError: [Errno 13] Permission denied: '/mnt/models'",
    fix: 'the user the storage-initializer runs as cannot write the model directory: give the pod an fsGroup, or a runAsUser that owns the volume (a ClusterStorageContainer spec.container.securityContext)',
    source: 'Python PermissionError errno 13',
  },
  {
    id: 'DG104',
    name: 'read-only-filesystem',
    title: 'the storage-initializer writes to a read-only file system ([Errno 30])',
    where: 'log',
    match: /\[Errno 30\] Read-only file system/,
    example: `${UNEXPECTED}[Errno 30] Read-only file system: '/mnt/models/.cache'`,
    fix: 'the destination (/mnt/models) or the HF cache is read-only: remove readOnlyRootFilesystem for the storage-initializer or give it a writable emptyDir for HOME/HF_HOME through a ClusterStorageContainer',
    source: 'Python OSError errno 30 (EROFS)',
  },

  // ───────────────────────────── log lines: TLS ─────────────────────────────
  {
    id: 'DG105',
    name: 'tls-hostname-mismatch',
    title: "the storage endpoint's certificate is not for the host name in the URI (Hostname mismatch)",
    where: 'log',
    match: /Hostname mismatch, certificate is not valid for|IP address mismatch, certificate is not valid for|NotValidForName/,
    example: `${UNEXPECTED}SSL validation failed for https://minio.minio.svc:9000/models [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'minio.minio.svc'. (_ssl.c:1006)`,
    fix: 'address the endpoint by a name its certificate lists (storageUri {uri}, the serving.kserve.io/s3-endpoint annotation, or endpoint_url in the storage-config secret), or reissue the certificate with that name',
    source: 'Python ssl (CERTIFICATE_VERIFY_FAILED: Hostname mismatch); rustls NotValidForName (hf_transfer)',
  },
  {
    id: 'DG106',
    name: 'tls-certificate-expired',
    title: "the storage endpoint's certificate has expired",
    where: 'log',
    match: /certificate has expired|CERTIFICATE_EXPIRED|invalid peer certificate: Expired/,
    example: `${UNEXPECTED}SSL validation failed for https://minio.example.com:9000/models [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)`,
    fix: "renew the endpoint's certificate (or fix the node clock if the certificate should be valid)",
    source: 'Python ssl (CERTIFICATE_VERIFY_FAILED: certificate has expired)',
  },
  {
    id: 'DG107',
    name: 'tls-to-plain-http-endpoint',
    title: 'the storage-initializer speaks HTTPS to an endpoint that speaks plain HTTP (WRONG_VERSION_NUMBER)',
    where: 'log',
    match: /WRONG_VERSION_NUMBER|wrong version number|record layer failure|InvalidContentType/,
    example: `${UNEXPECTED}SSL validation failed for https://minio.minio.svc:9000/models [SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)`,
    fix: 'use http:// for the endpoint: annotate the S3 Secret serving.kserve.io/s3-usehttps: "0" (or endpoint_url http://… in the storage-config secret), or serve TLS on the endpoint',
    source: 'Python ssl SSLError [SSL: WRONG_VERSION_NUMBER]; botocore SSLError "SSL validation failed for …"',
  },
  {
    id: 'DG108',
    name: 's3-tls-untrusted',
    title: "the storage-initializer does not trust the S3 endpoint's certificate (SSL validation failed: certificate verify failed)",
    where: 'log',
    match: /SSL validation failed for .*?(?:CERTIFICATE_VERIFY_FAILED|certificate verify failed)/,
    example: `${UNEXPECTED}SSL validation failed for https://minio.example.com:9000/models [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)`,
    schemes: ['s3://'],
    fix: 'give it the CA: set caBundleConfigMapName in the storageInitializer config (a ConfigMap in the kserve namespace with key cabundle.crt, copied to {namespace} as global-ca-bundle), or annotate the S3 Secret serving.kserve.io/s3-cabundle-configmap=CONFIGMAP (key cabundle.crt in {namespace}); only for tests: serving.kserve.io/s3-verifyssl: "0"',
    source: `botocore exceptions.SSLError ("SSL validation failed for {endpoint_url} {error}"); CA bundle read in ${KS20}:358@v0.20.0`,
  },
  {
    id: 'DG109',
    name: 'tls-untrusted',
    title: "the storage-initializer does not trust the endpoint's certificate (certificate verify failed: self-signed or unknown issuer)",
    where: 'log',
    match:
      /CERTIFICATE_VERIFY_FAILED|certificate verify failed|self[- ]signed certificate|unable to get local issuer certificate|invalid peer certificate|UnknownIssuer/,
    example: `${RAISED}HTTP error for https://models.example.com/iris/model.joblib: HTTPSConnectionPool(host='models.example.com', port=443): Max retries exceeded with url: /iris/model.joblib (Caused by SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)')))`,
    fix: 'set caBundleConfigMapName in the storageInitializer config (a ConfigMap in the kserve namespace with key cabundle.crt): from v0.20.0 it is exported as REQUESTS_CA_BUNDLE/SSL_CERT_FILE for http(s), hf, gcs and azure downloads; before v0.20.0 only s3 reads it, so set REQUESTS_CA_BUNDLE and mount the bundle through a ClusterStorageContainer; hdfs takes TLS_CA in its Secret',
    source: `Python ssl / urllib3 SSLError ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: …"); ${KS20}:384 _configure_global_ca_bundle@v0.20.0`,
  },
  {
    id: 'DG110',
    name: 'ca-bundle-file-missing',
    title: 'a CA bundle is configured for S3 but its file is not in the container (Failed to find ca bundle file)',
    where: 'log',
    match: /Failed to find ca bundle file\(/,
    example: `${FAILED}Failed to find ca bundle file(/etc/ssl/custom-certs/cabundle.crt).`,
    schemes: ['s3://'],
    fix: 'the ConfigMap named by caBundleConfigMapName (or by the serving.kserve.io/s3-cabundle-configmap annotation) must have the key cabundle.crt, and a serving.kserve.io/s3-cabundle path must exist in the container: kubectl get configmap -n {namespace} global-ca-bundle -o yaml',
    source: `${KS20}:378@v0.20.0; ${OLD}:214@v0.13.1 (only with caBundleConfigMapName set before v0.16.0; v0.16.0+ also for an s3-cabundle path alone)`,
  },
  {
    id: 'DG111',
    name: 'proxy-failed',
    title: 'the storage-initializer cannot get through the HTTP(S) proxy',
    where: 'log',
    match:
      /ProxyError|Unable to connect to proxy|Failed to connect to proxy URL|Tunnel connection failed|407 Proxy Authentication Required|No valid proxy credentials provided/,
    example: `${RAISED}HTTP error for https://models.example.com/iris/model.joblib: HTTPSConnectionPool(host='models.example.com', port=443): Max retries exceeded with url: /iris/model.joblib (Caused by ProxyError('Unable to connect to proxy', NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3a9c2b1d60>: Failed to establish a new connection: [Errno 111] Connection refused')))`,
    fix: 'check HTTP_PROXY/HTTPS_PROXY on the storage-initializer, and put in-cluster and private endpoints in NO_PROXY (e.g. .svc,.cluster.local,minio.example.com) (env of the storage-initializer goes through a ClusterStorageContainer: spec.container.env, kserve#1348)',
    source: 'requests/urllib3 ProxyError ("Unable to connect to proxy"); botocore ProxyConnectionError; dulwich HTTPProxyUnauthorized',
  },

  // ───────────────────────────── log lines: S3 ─────────────────────────────
  {
    id: 'DG112',
    name: 's3-irsa-assume-role-failed',
    title: 'the service account may not assume its AWS IAM role (AssumeRoleWithWebIdentity denied)',
    where: 'log',
    match: /AssumeRoleWithWebIdentity|InvalidIdentityToken|sts:AssumeRole/,
    example: `${RAISED}S3 error for s3://models/llama: An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity`,
    schemes: ['s3://'],
    fix: "the role in the service account's eks.amazonaws.com/role-arn annotation must trust the cluster's OIDC provider for system:serviceaccount:{namespace}:<service account>: fix the role's trust policy",
    source: `botocore ClientError from STS; pkg/credentials/service_account_credentials.go (AwsIrsaAnnotationKey)@v0.20.0; logged by ${ERR20}:42@v0.20.0`,
  },
  {
    id: 'DG113',
    name: 's3-no-credentials',
    title: 'the storage-initializer has no S3 credentials (Unable to locate credentials)',
    where: 'log',
    match: /Unable to locate credentials|Partial credentials found in/,
    example: `${RAISED}S3 error for s3://models/llama: Unable to locate credentials`,
    schemes: ['s3://'],
    fix: `create a Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (annotated serving.kserve.io/s3-endpoint, s3-usehttps, s3-region as needed) and ${ATTACH}; or annotate the service account eks.amazonaws.com/role-arn (IRSA); for a public bucket annotate serving.kserve.io/s3-useanoncredential: "true"`,
    source: `botocore NoCredentialsError / PartialCredentialsError; ${KS20}:565@v0.20.0 (raise_storage_error), traceback before v0.19.0 (${OLD}:177@v0.11.1)`,
  },
  {
    id: 'DG114',
    name: 's3-invalid-credentials',
    title: 'S3 rejects the access key (InvalidAccessKeyId / SignatureDoesNotMatch / expired token)',
    where: 'log',
    match:
      /\((?:InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|TokenRefreshRequired)\)|Invalid AWS credentials\. Verify AWS_ACCESS_KEY_ID|S3 error \[(?:InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken)\]/,
    example:
      'botocore.exceptions.ClientError: An error occurred (InvalidAccessKeyId) when calling the ListObjects operation: The AWS Access Key Id you provided does not exist in our records.',
    schemes: ['s3://'],
    fix: 'correct AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the Secret attached to the model (or access_key_id / secret_access_key in the storage-config secret) and delete the pods to retry',
    source: `botocore ClientError ("An error occurred (InvalidAccessKeyId) when calling the … operation"); ${ERR20}:137@v0.20.0`,
  },
  {
    id: 'DG115',
    name: 's3-wrong-region',
    title: 'the bucket is in another region than the storage-initializer uses',
    where: 'log',
    match:
      /AuthorizationHeaderMalformed|PermanentRedirect|IllegalLocationConstraintException|the region '[^']*' is wrong|S3 error \[301\]|\(301\) when calling the|You must specify a region/,
    example: `${RAISED}S3 error for s3://models/llama: An error occurred (301) when calling the HeadBucket operation: Moved Permanently`,
    schemes: ['s3://'],
    fix: "annotate the S3 Secret serving.kserve.io/s3-region=<the bucket's region> (or region in the storage-config secret), and use the regional endpoint",
    source: `botocore ClientError (AuthorizationHeaderMalformed, 301 PermanentRedirect), NoRegionError; ${ERR20}:141@v0.20.0 ("S3 error [%s]: %s")`,
  },
  {
    id: 'DG116',
    name: 's3-access-denied',
    title: 'the storage-initializer may not read the bucket (S3 access denied / 403 Forbidden)',
    where: 'log',
    match:
      /\((?:AccessDenied|AllAccessDisabled|403)\) when calling the|S3 error \[(?:403|AccessDenied|AllAccessDisabled)\]|Access denied to S3 resource '|Access denied\. Verify S3 permissions/,
    example: `${RAISED}S3 error for s3://models/llama: An error occurred (403) when calling the HeadBucket operation: Forbidden`,
    schemes: ['s3://'],
    fix: `the credentials lack s3:ListBucket on the bucket or s3:GetObject on the objects (or are missing: a 403 on HeadBucket also means unsigned or wrong keys): grant them, or attach a Secret that has them (${ATTACH})`,
    source: `botocore ClientError ("An error occurred (AccessDenied) when calling the ListObjects operation: Access Denied"; HeadBucket/HeadObject "(403) … Forbidden"); ${ERR20}:114@v0.20.0; head_bucket ${KS20}:530@v0.20.0`,
  },
  {
    id: 'DG117',
    name: 's3-bucket-not-found',
    title: 'the S3 bucket does not exist (NoSuchBucket / 404 on HeadBucket)',
    where: 'log',
    match:
      /\(NoSuchBucket\)|\(404\) when calling the HeadBucket operation|S3 bucket '[^']*' does not exist|S3 resource '[^']*' not found|S3 error \[NoSuchBucket\]/,
    example: `${RAISED}S3 error for s3://modelz/llama: An error occurred (404) when calling the HeadBucket operation: Not Found`,
    schemes: ['s3://'],
    fix: 'correct the bucket in storageUri {uri} (the part after s3://), or the endpoint (serving.kserve.io/s3-endpoint) if the bucket lives elsewhere',
    source: `botocore ClientError (NoSuchBucket; HeadBucket 404); ${ERR20}:103@v0.20.0 ("S3 resource '%s' not found."); ${ERR20}:139@v0.20.0 ("S3 bucket '%s' does not exist.", unreachable in practice: the not-found test comes first)`,
  },
  {
    id: 'DG118',
    name: 's3-object-not-found',
    title: 'an S3 object vanished or cannot be read while downloading (NoSuchKey / 404 on HeadObject)',
    where: 'log',
    match: /\(NoSuchKey\)|\(404\) when calling the (?:HeadObject|GetObject) operation/,
    example: `${LOGGED_S3}Failed to download object llama/model-00002-of-00004.safetensors: An error occurred (404) when calling the HeadObject operation: Not Found`,
    schemes: ['s3://'],
    fix: 'the object listed under {uri} is gone or unreadable: check it with aws s3 ls {uri} and retry (delete the pods)',
    source: `botocore ClientError (NoSuchKey; HeadObject 404) from bucket.download_file; ${KS20}:593@v0.20.0 ("Failed to download object %s: %s")`,
  },
  {
    id: 'DG119',
    name: 's3-invalid-bucket-name',
    title: 'the S3 URI has no valid bucket name',
    where: 'log',
    match: /Invalid bucket name "[^"]*"/,
    example:
      'Invalid bucket name "": Bucket name must match the regex "^[a-zA-Z0-9.\\-_]{1,255}$" or be an ARN matching the regex "^arn:(aws).*:(s3|s3-object-lambda):[a-z\\-0-9]*:[0-9]{12}:accesspoint[/:][a-zA-Z0-9\\-.]{1,63}$|^arn:(aws).*:s3-outposts:[a-z\\-0-9]+:[0-9]{12}:outpost[/:][a-zA-Z0-9\\-]{1,63}[/:]accesspoint[/:][a-zA-Z0-9\\-]{1,63}$"',
    schemes: ['s3://'],
    fix: 'write storageUri as s3://BUCKET/PREFIX (bucket: letters, digits, dot, dash, underscore): {uri}',
    source: 'botocore ParamValidationError ("Invalid bucket name …: Bucket name must match the regex …")',
  },
  {
    id: 'DG121',
    name: 's3-invalid-endpoint',
    title: 'the S3 endpoint URL is not a URL (Invalid endpoint)',
    where: 'log',
    match: /Invalid endpoint: |S3 error: Invalid endpoint/,
    example: `${RAISED}S3 error for s3://models/llama: Invalid endpoint: minio.minio.svc:9000`,
    schemes: ['s3://'],
    fix: 'give the endpoint as host[:port] in serving.kserve.io/s3-endpoint (with s3-usehttps) or as a full http(s)://host[:port] endpoint_url in the storage-config secret',
    source: `botocore endpoint.py (ValueError "Invalid endpoint: …"); ${KS20}:523@v0.20.0 (raise_storage_error with the endpoint)`,
  },
  {
    id: 'DG122',
    name: 's3-endpoint-unreachable',
    title: 'the storage-initializer cannot reach the S3 endpoint (Could not connect to the endpoint URL)',
    where: 'log',
    match: /Could not connect to the endpoint URL/,
    example: `${UNEXPECTED}Could not connect to the endpoint URL: "http://minio.minio.svc:9000/models"`,
    schemes: ['s3://'],
    fix: 'check the endpoint (serving.kserve.io/s3-endpoint, s3-usehttps, or endpoint_url in the storage-config secret), that its Service/host answers from {namespace}, and NetworkPolicies/egress rules',
    source: 'botocore EndpointConnectionError ("Could not connect to the endpoint URL: …")',
  },
  {
    id: 'DG123',
    name: 's3-bad-request',
    title: 'S3 answers 400 Bad Request to HeadBucket (often a wrong region or endpoint for the bucket)',
    where: 'log',
    match: /S3 error \[400\]|\(400\) when calling the HeadBucket operation/,
    example: `${RAISED}S3 error for s3://models/llama: An error occurred (400) when calling the HeadBucket operation: Bad Request`,
    schemes: ['s3://'],
    fix: 'set the region (serving.kserve.io/s3-region) and the endpoint the bucket belongs to; for path-style-only stores leave s3-usevirtualbucket unset',
    source: `botocore ClientError (HeadBucket 400); ${ERR20}:141@v0.20.0`,
  },
  {
    id: 'DG124',
    name: 's3-download-failed',
    title: 'some S3 objects failed to download (the reason follows the object key)',
    where: 'log',
    match:
      /Failed to download \d+ files: |Failed to download object |Failed to initialize S3 worker: |S3 resource not initialized in worker process/,
    example: `${LOGGED_S3}Failed to download object llama/model-00003-of-00004.safetensors: Read timeout on endpoint URL: "https://s3.us-east-1.amazonaws.com/models/llama/model-00003-of-00004.safetensors"`,
    schemes: ['s3://'],
    fix: 'read the error after the key (kubectl storage-init logs {name} -n {namespace}); a 403 on HeadObject means s3:GetObject is missing, a timeout a slow endpoint (raise S3_READ_TIMEOUT)',
    source: `${KS20}:599@v0.20.0, :593, :473, :490 (v0.19.0+, parallel S3 downloads)`,
  },

  // ───────────────────────────── log lines: GCS ─────────────────────────────
  {
    id: 'DG125',
    name: 'gcs-no-credentials',
    title: 'the storage-initializer reads the GCS bucket anonymously and may not (no Google credentials)',
    where: 'log',
    match: /anonymous caller does not have storage\.\w+\.\w+ access/i,
    example: `${RAISED}GCS error for gs://models/llama: 403 GET https://storage.googleapis.com/storage/v1/b/models/o?projection=noAcl&prefix=llama%2F&prettyPrint=false: Anonymous caller does not have storage.objects.list access to the Google Cloud Storage bucket. Permission 'storage.objects.list' denied on resource (or it may not exist).`,
    schemes: ['gs://'],
    fix: `create a Secret with the key gcloud-application-credentials.json (a service account key) and ${ATTACH}; or use Workload Identity (annotate the service account iam.gke.io/gcp-service-account)`,
    source: `google-api-core Forbidden ("403 GET https://storage.googleapis.com/…: Anonymous caller does not have storage.objects.list access …"); DefaultCredentialsError falls back to an anonymous client at ${KS20}:692@v0.20.0`,
  },
  {
    id: 'DG126',
    name: 'gcs-access-denied',
    title: 'the Google service account may not read the GCS bucket (403, no storage.objects permission)',
    where: 'log',
    match: /does not have storage\.\w+\.\w+ access|403 GET https:\/\/storage\.googleapis\.com|google\.api_core\.exceptions\.Forbidden/,
    example: `${RAISED}GCS error for gs://models/llama: 403 GET https://storage.googleapis.com/storage/v1/b/models/o?projection=noAcl&prefix=llama%2F&prettyPrint=false: kserve-reader@ml-platform.iam.gserviceaccount.com does not have storage.objects.list access to the Google Cloud Storage bucket. Permission 'storage.objects.list' denied on resource (or it may not exist).`,
    schemes: ['gs://'],
    fix: 'grant the Google service account roles/storage.objectViewer on the bucket (gcloud storage buckets add-iam-policy-binding), or attach a key of one that has it',
    source: `google-api-core Forbidden; ${KS20}:749@v0.20.0 (raise_storage_error, v0.19.0+), traceback before`,
  },
  {
    id: 'DG127',
    name: 'gcs-bucket-not-found',
    title: 'the GCS bucket (or the object) does not exist',
    where: 'log',
    match:
      /storage\.googleapis\.com\S*: The specified bucket does not exist|google\.api_core\.exceptions\.NotFound|GCS resource '[^']*' not found|No such object: /,
    example: `${RAISED}GCS error for gs://modelz/llama: 404 GET https://storage.googleapis.com/storage/v1/b/modelz/o?projection=noAcl&prefix=llama%2F&prettyPrint=false: The specified bucket does not exist.`,
    schemes: ['gs://'],
    fix: 'correct storageUri {uri}: gs://BUCKET/PATH; check it with gcloud storage ls {uri}',
    source: `google-api-core NotFound ("404 GET …: The specified bucket does not exist."); ${ERR20}:103@v0.20.0`,
  },
  {
    id: 'DG128',
    name: 'gcs-auth-failed',
    title: 'the Google credentials are invalid or cannot be refreshed',
    where: 'log',
    match: /GCS authentication failed|invalid_grant|RefreshError|Reauthentication is needed|Google Compute Engine metadata service/,
    example: `${RAISED}GCS error for gs://models/llama: ('invalid_grant: Invalid JWT Signature.', {'error': 'invalid_grant', 'error_description': 'Invalid JWT Signature.'})`,
    schemes: ['gs://'],
    fix: "replace gcloud-application-credentials.json in the attached Secret with a valid key (revoked or malformed keys fail here), or fix Workload Identity for the pod's service account",
    source: `google-auth RefreshError / TransportError; ${ERR20}:85@v0.20.0 ("GCS authentication failed. Verify GOOGLE_APPLICATION_CREDENTIALS …")`,
  },

  // ───────────────────────────── log lines: Azure ─────────────────────────────
  {
    id: 'DG129',
    name: 'azure-identity-failed',
    title: 'the Azure service principal cannot get a token (DefaultAzureCredential / AADSTS error)',
    where: 'log',
    match:
      /DefaultAzureCredential failed|AADSTS\d{4,}|ClientSecretCredential\.get_token failed|EnvironmentCredential authentication unavailable/,
    example: `${RAISED}Azure error for https://modelstore.blob.core.windows.net/models/llama: DefaultAzureCredential failed to retrieve a token from the included credentials.`,
    schemes: AZURE,
    fix: `fix AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TENANT_ID (or legacy AZ_CLIENT_ID, AZ_CLIENT_SECRET, AZ_TENANT_ID) in the Secret and ${ATTACH}`,
    source: `azure-identity ClientAuthenticationError; token from ${KS20}:1134 _get_azure_storage_token@v0.20.0`,
  },
  {
    id: 'DG130',
    name: 'azure-permission-denied',
    title: 'the Azure identity may not read the container (AuthorizationPermissionMismatch / AuthorizationFailure)',
    where: 'log',
    match: /AuthorizationPermissionMismatch|AuthorizationFailure|not authorized to perform this operation/,
    example: `${RAISED}Azure error for https://modelstore.blob.core.windows.net/models/llama: This request is not authorized to perform this operation using this permission.`,
    schemes: AZURE,
    fix: 'give the service principal the Storage Blob Data Reader role on the account or container (and check the account firewall allows the cluster)',
    source: `azure-core HttpResponseError (ErrorCode:AuthorizationPermissionMismatch); ${KS20}:984@v0.20.0 (v0.19.0+: summarised as "Azure authentication failed", since the text says "authorized")`,
  },
  {
    id: 'DG131',
    name: 'azure-authentication-failed',
    title: "Azure rejects the storage-initializer's key or SAS (AuthenticationFailed)",
    where: 'log',
    match:
      /ErrorCode:AuthenticationFailed|<Code>AuthenticationFailed<|Server failed to authenticate the request|InvalidAuthenticationInfo|NoAuthenticationInformation|azure\.core\.exceptions\.ClientAuthenticationError/,
    example: `${RAISED}Azure error for https://modelstore.blob.core.windows.net/models/llama: Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.`,
    schemes: AZURE,
    fix: `correct AZURE_STORAGE_ACCESS_KEY (account key or SAS token; the only credential file shares take) or the service principal in the Secret, and ${ATTACH}`,
    source: `azure-core ClientAuthenticationError (ErrorCode:AuthenticationFailed); ${KS20}:984 and :1096@v0.20.0`,
  },
  {
    id: 'DG132',
    name: 'azure-public-access-disabled',
    title: 'the storage account forbids anonymous reads and the storage-initializer has no Azure credentials',
    where: 'log',
    match: /PublicAccessNotPermitted|Public access is not permitted on this storage account/,
    example: `${RAISED}Azure error for https://modelstore.blob.core.windows.net/models/llama: Public access is not permitted on this storage account.`,
    schemes: AZURE,
    fix: `create a Secret with AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/AZURE_TENANT_ID or AZURE_STORAGE_ACCESS_KEY and ${ATTACH}`,
    source: `azure-core HttpResponseError (ErrorCode:PublicAccessNotPermitted); anonymous fallback at ${KS20}:920@v0.20.0`,
  },
  {
    id: 'DG133',
    name: 'azure-container-not-found',
    title: 'the Azure container, share or blob does not exist (or is private and read without credentials)',
    where: 'log',
    match:
      /ContainerNotFound|ShareNotFound|BlobNotFound|The specified (?:container|share|blob|resource) does not exist|ErrorCode:ResourceNotFound|Azure resource '[^']*' not found/,
    example: `${RAISED}Azure error for https://modelstore.blob.core.windows.net/models/llama: The specified container does not exist.`,
    schemes: AZURE,
    fix: `correct storageUri {uri}: https://ACCOUNT.blob.core.windows.net/CONTAINER/PATH; Azure answers ResourceNotFound to anonymous reads of private containers, so also attach credentials (${ATTACH})`,
    source: `azure-core ResourceNotFoundError; ${ERR20}:103@v0.20.0 ("Azure resource '%s' not found.")`,
  },
  {
    id: 'DG134',
    name: 'azure-uri-without-path',
    title: 'the Azure URI names a container but no path inside it',
    where: 'log',
    match: /not enough values to unpack \(expected 2, got 1\)/,
    example: `${UNEXPECTED}not enough values to unpack (expected 2, got 1)`,
    schemes: AZURE,
    fix: 'write storageUri as https://ACCOUNT.blob.core.windows.net/CONTAINER/PATH (a path after the container is required): {uri}',
    source: `${KS20}:1129 _parse_azure_uri@v0.20.0 (path.split("/", 1) unpacked into two); ${OLD}:468@v0.11.1`,
  },
  {
    id: 'DG135',
    name: 'azure-blob-download-failed',
    title: 'an Azure blob failed to download (the reason follows the blob name)',
    where: 'log',
    match: /\bBlob \S+ failed: /,
    example: `${LOGGED_AZ}Blob llama/model-00003-of-00004.safetensors failed: Response payload is not completed: <ContentLengthError: 400, message='Not enough data to satisfy content length header.'>`,
    schemes: AZURE,
    fix: 'read the error after the blob name (kubectl storage-init logs {name} -n {namespace})',
    source: `${KS20}:974@v0.20.0 (v0.19.0+, async blob downloads)`,
  },

  // ───────────────────────────── log lines: Hugging Face ─────────────────────────────
  {
    id: 'DG136',
    name: 'hf-offline-mode',
    title: 'Hugging Face offline mode is on and the model is not cached (HF_HUB_OFFLINE)',
    where: 'log',
    match: /outgoing traffic has been disabled|OfflineModeIsEnabled/,
    example: `${RAISED}HuggingFace error for hf://meta-llama/Llama-3.1-8B-Instruct: Cannot find an appropriate cached snapshot folder for the specified revision on the local disk and outgoing traffic has been disabled. To enable repo look-ups and downloads online, set 'HF_HUB_OFFLINE=0' as environment variable.`,
    schemes: ['hf://'],
    fix: "remove HF_HUB_OFFLINE=1 (or TRANSFORMERS_OFFLINE) from the storage-initializer's env (ClusterStorageContainer spec.container.env)",
    source: 'huggingface_hub 0.32.4 _snapshot_download.py:236 (LocalEntryNotFoundError "… set \'HF_HUB_OFFLINE=0\' …")',
  },
  {
    id: 'DG137',
    name: 'hf-gated-repo',
    title: "the Hugging Face repository is gated: the token's account has no access, or there is no token (GatedRepoError)",
    where: 'log',
    match:
      /GatedRepoError|Cannot access gated repo|is restricted and you are not in the authorized list|is restricted\. You must have access to it|awaiting a review from the repo authors/,
    example:
      'Cannot access gated repo for url https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/resolve/0e9e39f249a16976918f6564b8830bc894c89659/config.json.',
    schemes: ['hf://'],
    fix: `accept the model's terms on huggingface.co with the account that owns the token, then create a Secret with key HF_TOKEN and ${ATTACH}`,
    source: `huggingface_hub 0.32.4 utils/_http.py:424 (GatedRepoError "Cannot access gated repo for url …"); ${KS20}:673@v0.20.0; traceback in v0.15.2–v0.16.0`,
  },
  {
    id: 'DG138',
    name: 'hf-invalid-token',
    title: 'Hugging Face rejects HF_TOKEN (invalid or revoked)',
    where: 'log',
    match: /Invalid credentials in Authorization header|Invalid user token/,
    example: 'Invalid credentials in Authorization header',
    schemes: ['hf://'],
    fix: 'put a valid read token in the HF_TOKEN key of the Secret attached to the model (huggingface.co/settings/tokens)',
    source: 'huggingface_hub 0.32.4 utils/_http.py:440 (401 with X-Error-Message "Invalid credentials in Authorization header")',
  },
  {
    id: 'DG139',
    name: 'hf-repo-disabled',
    title: 'the Hugging Face repository is disabled',
    where: 'log',
    match: /Access to this resource is disabled|DisabledRepoError/,
    example: 'Access to this resource is disabled.',
    schemes: ['hf://'],
    fix: 'use another repository: {uri} cannot be downloaded',
    source: 'huggingface_hub 0.32.4 utils/_http.py:430 (DisabledRepoError)',
  },
  {
    id: 'DG140',
    name: 'hf-token-lacks-permission',
    title: 'HF_TOKEN may not read this repository (403 Forbidden: fine-grained token without access)',
    where: 'log',
    match:
      /Make sure your token has the correct permissions|Cannot access content at: https?:\/\/|Access denied to HuggingFace resource '|Access denied\. Verify HuggingFace permissions/,
    example:
      'Cannot access content at: https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct/resolve/0e9e39f249a16976918f6564b8830bc894c89659/config.json.',
    schemes: ['hf://'],
    fix: 'give the token read access to the repository (a fine-grained token needs "Read access to contents of all public gated repos" or the repo listed), then update HF_TOKEN in the Secret',
    source: `huggingface_hub 0.32.4 utils/_http.py:468 (403 HfHubHTTPError); ${ERR20}:114@v0.20.0`,
  },
  {
    id: 'DG141',
    name: 'hf-repo-not-found',
    title: 'the Hugging Face repository does not exist, or is private and HF_TOKEN is missing (Repository Not Found)',
    where: 'log',
    match: /RepositoryNotFoundError|Repository Not Found for url|If you are trying to access a private or gated repo/,
    example:
      'huggingface_hub.errors.RepositoryNotFoundError: 401 Client Error. (Request ID: Root=1-6836f0a2-1b2c3d4e5f6a7b8c9d0e1f2a;3c9a4f0e-2b7d-4e1a-9c8f-5d6e7f8a9b0c)',
    schemes: ['hf://'],
    fix: `check the repo id in {uri} (hf://OWNER/MODEL[:REVISION], case matters); for a private repo create a Secret with key HF_TOKEN and ${ATTACH}`,
    source: `huggingface_hub 0.32.4 utils/_http.py:450 (RepositoryNotFoundError, also for 401 on private repos); ${KS20}:673@v0.20.0 (summarised as "HuggingFace authentication failed", the text says "authenticated")`,
  },
  {
    id: 'DG142',
    name: 'hf-hub-unreachable',
    title: 'the storage-initializer cannot reach the Hugging Face Hub (network, DNS, or Hub error) and has no cached copy',
    where: 'log',
    match:
      /An error happened while trying to locate the files on the Hub|Failed to connect to HuggingFace endpoint|LocalEntryNotFoundError/,
    example: `${RAISED}HuggingFace error for hf://meta-llama/Llama-3.1-8B-Instruct: An error happened while trying to locate the files on the Hub and we cannot find the appropriate snapshot folder for the specified revision on the local disk. Please check your internet connection and try again.`,
    schemes: ['hf://'],
    fix: 'check egress from {namespace} to huggingface.co (or HF_ENDPOINT) and DNS; behind a proxy, give the storage-initializer HTTPS_PROXY and NO_PROXY (env of the storage-initializer goes through a ClusterStorageContainer: spec.container.env, kserve#1348); the lines before this one may name the network error',
    source: `huggingface_hub 0.32.4 _snapshot_download.py:248 (LocalEntryNotFoundError); ${ERR20}:127@v0.20.0`,
  },
  {
    id: 'DG143',
    name: 'hf-revision-not-found',
    title: 'the Hugging Face revision (branch, tag or commit after the colon) does not exist',
    where: 'log',
    match:
      /RevisionNotFoundError|Revision Not Found for url|Invalid rev id|\bEntryNotFoundError\b|Entry Not Found for url|HuggingFace resource '[^']*' not found/,
    example: 'Revision Not Found for url: https://huggingface.co/api/models/meta-llama/Llama-3.1-8B-Instruct/revision/v2.0.',
    schemes: ['hf://'],
    fix: 'correct the revision in {uri} (hf://OWNER/MODEL:REVISION) or drop it to use main',
    source: `huggingface_hub 0.32.4 utils/_http.py:415 (RevisionNotFoundError); ${ERR20}:103@v0.20.0`,
  },
  {
    id: 'DG144',
    name: 'hf-unauthorized',
    title: 'Hugging Face answers 401/403: the repository is private or gated, or HF_TOKEN is missing or invalid',
    where: 'log',
    match: /\b40[13] Client Error\b/,
    example: `${RAISED}HuggingFace error for hf://meta-llama/Llama-3.1-8B-Instruct: 401 Client Error. (Request ID: Root=1-6836f0a2-1b2c3d4e5f6a7b8c9d0e1f2a;3c9a4f0e-2b7d-4e1a-9c8f-5d6e7f8a9b0c)`,
    schemes: ['hf://'],
    fix: `check the repo id in {uri}, accept a gated model's terms, and give a valid token: a Secret with key HF_TOKEN, ${ATTACH}`,
    source: 'huggingface_hub 0.32.4 utils/_http.py (hf_raise_for_status: "401 Client Error." …)',
  },
  {
    id: 'DG145',
    name: 'hf-transfer-failed',
    title: 'the hf_transfer download failed and hides why (KServe turns HF_HUB_ENABLE_HF_TRANSFER on)',
    where: 'log',
    match: /An error occurred while downloading using `hf_transfer`/,
    example: `${UNEXPECTED}An error occurred while downloading using \`hf_transfer\`. Consider disabling HF_HUB_ENABLE_HF_TRANSFER for better error handling.`,
    schemes: ['hf://'],
    fix: "set HF_HUB_ENABLE_HF_TRANSFER=0 in the storage-initializer's env (ClusterStorageContainer spec.container.env; KServe adds =1 only when absent) to see the real error; often the disk (DG101) or the network",
    source:
      'huggingface_hub 0.32.4 file_download.py:480; default env in pkg/utils/storage.go:247 AddDefaultHuggingFaceEnvVars@v0.20.0 (since v0.16.0)',
  },
  {
    id: 'DG146',
    name: 'hf-incomplete-download',
    title: 'a Hugging Face file arrived truncated (Consistency check failed)',
    where: 'log',
    match: /Consistency check failed: file should be of size/,
    example: `${UNEXPECTED}Consistency check failed: file should be of size 4976698672 but has size 2147483648 (model-00001-of-00004.safetensors).`,
    schemes: ['hf://'],
    fix: 'retry (delete the pods); if it repeats, a proxy or the network cuts large downloads, or the disk filled up',
    source: 'huggingface_hub 0.32.4 file_download.py:445',
  },
  {
    id: 'DG147',
    name: 'hf-invalid-uri',
    title: 'the hf:// URI is not hf://OWNER/MODEL[:REVISION]',
    where: 'log',
    match:
      /Invalid Hugging Face URI format|Hugging Face (?:repository owner|model name) cannot be empty|URI must contain exactly one '\/' separating the repo and model name|Repository name cannot be empty|Model name cannot be empty|Repo id must (?:be in the form|use alphanumeric chars)|HFValidationError/,
    example: `${FAILED}Invalid Hugging Face URI format. Expected 'hf://owner/model[:revision]', got 'hf://meta-llama/Llama-3.1-8B-Instruct/main'`,
    schemes: ['hf://'],
    fix: 'write storageUri as hf://OWNER/MODEL or hf://OWNER/MODEL:REVISION (exactly one slash): {uri}',
    source: `${KS20}:633, :642, :646, :653@v0.20.0 (RuntimeError, v0.19.0+); ${OLD}:300, :308, :310@v0.15.2 and ${KS20}:314@v0.16.0 (ValueError "URI must contain exactly one '/' …"); huggingface_hub _validators.py:155 (HFValidationError)`,
  },

  // ───────────────────────────── log lines: HDFS ─────────────────────────────
  {
    id: 'DG148',
    name: 'hdfs-no-secret',
    title: 'no HDFS Secret is mounted (/var/secrets/kserve-hdfscreds missing)',
    where: 'log',
    match: /No such file or directory: '\/var\/secrets\/kserve-hdfscreds'/,
    example: `${UNEXPECTED}[Errno 2] No such file or directory: '/var/secrets/kserve-hdfscreds'`,
    schemes: ['hdfs://', 'webhdfs://'],
    fix: `create a Secret with HDFS_NAMENODE (and KERBEROS_PRINCIPAL/KERBEROS_KEYTAB or TLS_CERT/TLS_KEY/TLS_CA as needed) and ${ATTACH}; or use a storage-config entry of type hdfs`,
    source: `${KS20}:781 _load_hdfs_configuration@v0.20.0 (os.listdir of the secret dir); pkg/credentials/hdfs/hdfs_secret.go@v0.20.0`,
  },
  {
    id: 'DG149',
    name: 'hdfs-kerberos-failed',
    title: 'the storage-initializer cannot authenticate to HDFS (Kerberos)',
    where: 'log',
    match:
      /HDFS authentication failed|GSSError|KrbError|Cannot find KDC|Preauthentication failed|Client not found in Kerberos database|No Kerberos credentials available|Authentication failure\. Check your credentials/,
    example: `${UNEXPECTED}Major (851968): Unspecified GSS failure.  Minor code may provide more information, Minor (2529638936): Preauthentication failed`,
    schemes: ['hdfs://', 'webhdfs://'],
    fix: 'check KERBEROS_PRINCIPAL and KERBEROS_KEYTAB (base64 in a storage-config entry) in the HDFS Secret, and that the KDC is reachable',
    source: `krbcontext / gssapi / hdfs.ext.kerberos; ${ERR20}:85@v0.20.0 ("HDFS authentication failed. Verify Kerberos keytab and principal configuration.")`,
  },
  {
    id: 'DG150',
    name: 'hdfs-permission-denied',
    title: 'the HDFS user may not read the path',
    where: 'log',
    match: /Permission denied: user=|AccessControlException|Access denied to HDFS resource '|Access denied\. Verify HDFS permissions/,
    example: `${RAISED}HDFS error for hdfs://models/llama: Permission denied: user=kserve, access=READ_EXECUTE, inode="/models/llama":hdfs:supergroup:drwx------`,
    schemes: ['hdfs://', 'webhdfs://'],
    fix: 'grant the principal (or USER_PROXY) read and execute on the path, or use one that has it',
    source: `hdfs HdfsError (WebHDFS AccessControlException); ${ERR20}:114@v0.20.0`,
  },
  {
    id: 'DG151',
    name: 'hdfs-path-not-found',
    title: 'the HDFS path does not exist',
    where: 'log',
    match: /File does not exist: |FileNotFoundException|HDFS resource '[^']*' not found/,
    example: `${RAISED}HDFS error for hdfs://models/llama: File does not exist: /models/llama`,
    schemes: ['hdfs://', 'webhdfs://'],
    fix: 'correct storageUri {uri} (hdfs://PATH is read relative to HDFS_ROOTPATH when that is set, else from /)',
    source: `hdfs HdfsError ("File does not exist: …") from client.status at ${KS20}:861@v0.20.0; ${ERR20}:103@v0.20.0`,
  },

  // ───────────────────────────── log lines: Git (v0.19.0+) ─────────────────────────────
  {
    id: 'DG152',
    name: 'git-not-a-repository',
    title:
      'the URI was cloned with Git and no repository answers there: since v0.19.0 every https URI containing ".git" (raw.githubusercontent.com, *.github.io) goes to the Git downloader',
    where: 'log',
    match: /\bGit error\b.*?\.git[a-z]|\bGit error:\s*$|NotGitRepository/,
    example: `${RAISED}Git error for https://raw.githubusercontent.com/acme/models/main/sklearn/model.joblib: `,
    schemes: ['https://'],
    fix: 'for a file, use a URL without ".git" in it (an object store, a release asset, or a proxy); for a repository, give its clone URL ending in .git: {uri}',
    source: `${KS20}:65 _GIT_RE r"https://.+\\.git" matched before the http(s) downloader at :230@v0.20.0; dulwich 1.0.0 client.py:4596 (NotGitRepository, empty message) and :4602; ${KS20}:1213@v0.20.0`,
  },
  {
    id: 'DG153',
    name: 'git-authentication-failed',
    title: 'the Git server wants credentials: the repository is private (or does not exist)',
    where: 'log',
    match: /No valid credentials provided|Git authentication failed|Access denied to Git resource '/,
    example: `${RAISED}Git error for https://github.com/acme/private-models.git: No valid credentials provided`,
    schemes: ['https://'],
    fix: "set GIT_USERNAME and GIT_PASSWORD (a token) in the storage-initializer's env from a Secret through a ClusterStorageContainer (KServe injects no Git credentials), or check the repository URL: {uri}",
    source: `dulwich 1.0.0 client.py:265 (HTTPUnauthorized); ${ERR20}:85@v0.20.0; ${KS20}:1211@v0.20.0`,
  },
  {
    id: 'DG154',
    name: 'git-repository-not-found',
    title: 'the Git repository was not found',
    where: 'log',
    match: /Git resource '[^']*' not found|unexpected http resp 404 for/,
    example: `${FAILED}Git resource 'https://github.com/acme/models.git' not found.`,
    schemes: ['https://'],
    fix: 'correct the repository URL {uri}',
    source: `dulwich 1.0.0 client.py:4602; ${ERR20}:103@v0.20.0`,
  },

  // ───────────────────────────── log lines: http(s) ─────────────────────────────
  {
    id: 'DG155',
    name: 'http-unauthorized',
    title: 'the web server refuses the download (401/403): it needs headers the storage-initializer does not send',
    where: 'log',
    match: /HTTP authentication failed for '|HTTP access denied for '|URI: \S+ returned a 40[13] response code/,
    example: `${FAILED}HTTP authentication failed for 'https://models.example.com/private/model.tar.gz'. Verify credentials.`,
    schemes: ['http://', 'https://'],
    fix: `create a Secret with keys https-host (the URI's host) and headers (a JSON object, e.g. {"Authorization": "Bearer …"}) and ${ATTACH}`,
    source: `${ERR20}:162, :163, :167@v0.20.0 (check_http_response, v0.19.0+); ${OLD}:561@v0.11.1 ("URI: %s returned a %s response code.", to v0.16.0); pkg/credentials/https/https_secret.go@v0.20.0`,
  },
  {
    id: 'DG156',
    name: 'http-not-found',
    title: 'nothing is at the http(s) URI (404)',
    where: 'log',
    match: /HTTP resource not found at '|URI: \S+ returned a 404 response code/,
    example: `${FAILED}HTTP resource not found at 'https://models.example.com/iris/model.joblib'.`,
    schemes: ['http://', 'https://'],
    fix: 'correct storageUri {uri}',
    source: `${ERR20}:164@v0.20.0; ${KS20}:735@v0.16.0 ("URI: %s returned a %s response code.")`,
  },
  {
    id: 'DG157',
    name: 'http-error-status',
    title: 'the web server answers the download with an error status',
    where: 'log',
    match: /HTTP request to '[^']*' failed with status code \d+|URI: \S+ returned a \d+ response code/,
    example: `${FAILED}HTTP request to 'https://models.example.com/iris/model.joblib' failed with status code 502.`,
    schemes: ['http://', 'https://'],
    fix: 'fetch {uri} from a pod in {namespace} (kubectl run --rm -it curl --image=curlimages/curl -- curl -sI {uri}) and fix what the server answers',
    source: `${ERR20}:169@v0.20.0; ${OLD}:561@v0.11.1`,
  },
  {
    id: 'DG158',
    name: 'http-wrong-content-type',
    title: "the web server's Content-Type is not a file download (an HTML page, a login redirect?)",
    where: 'log',
    match: /did not respond with (?:any of following )?'Content-Type'/,
    example: `${FAILED}URI: https://models.example.com/iris/model.joblib did not respond with 'Content-Type': 'application/octet-stream'`,
    schemes: ['http://', 'https://'],
    fix: 'point storageUri at the raw file, and serve it as application/octet-stream (or application/zip, application/x-tar, application/gzip for .zip/.tar.gz): {uri}',
    source: `${KS20}:1294, :1308, :1318@v0.20.0; ${OLD}:565, :570, :574@v0.11.1`,
  },
  {
    id: 'DG159',
    name: 'http-uri-without-filename',
    title: 'the http(s) URI names no file (it ends with a slash)',
    where: 'log',
    match: /No filename contained in URI/,
    example: `${FAILED}No filename contained in URI: https://models.example.com/iris/`,
    schemes: ['http://', 'https://'],
    fix: 'give the file: storageUri must end with the file name (a .zip or .tar.gz for several files): {uri}',
    source: `${KS20}:1270@v0.20.0 (RuntimeError); ${OLD}:550@v0.11.1 to ${KS20}:724@v0.16.0 (ValueError)`,
  },

  // ───────────────────────────── log lines: any scheme ─────────────────────────────
  {
    id: 'DG160',
    name: 'unsupported-uri-scheme',
    title: 'the storage-initializer does not know the URI scheme (Cannot recognize storage type)',
    where: 'log',
    match: /Cannot recognize storage type for/,
    example: `${UNEXPECTED}Cannot recognize storage type for ftp://models.example.com/iris/model.joblib`,
    fix: 'use gs://, s3://, hdfs://, webhdfs://, hf:// (v0.15.2 and later), https://ACCOUNT.blob.core.windows.net/… or .file.core.windows.net/…, http(s)://, file://, pvc:// or oci://, or register a ClusterStorageContainer whose supportedUriFormats match {uri}',
    source: `${KS20}:236@v0.20.0 ("… 'gs://', 's3://', 'file://', 'http(s)://' and 'hf://' are the current available storage type." from v0.16.0); ${OLD}:99@v0.11.1 and :103@v0.15.2 (without hf://)`,
  },
  {
    id: 'DG161',
    name: 'pvc-path-not-found',
    title: 'the path inside the PVC does not exist (Cannot locate source uri … for PVC)',
    where: 'log',
    match: /Cannot locate source uri \S+ for PVC/,
    example: `${UNEXPECTED}Cannot locate source uri /mnt/pvc/llama for PVC`,
    schemes: ['pvc://'],
    fix: 'pvc://CLAIM/PATH: PATH must exist on the claim (mounted at /mnt/pvc); check it from a pod that mounts the claim',
    source: `${KS20}:176@v0.20.0; ${OLD}:66@v0.11.1`,
  },
  {
    id: 'DG162',
    name: 'local-path-not-found',
    title: 'the local path does not exist (file://)',
    where: 'log',
    match: /Local path \S+ does not exist/,
    example: `${FAILED}Local path file:///mnt/data/models/iris does not exist.`,
    schemes: ['file://'],
    fix: 'correct storageUri {uri}: the path must exist inside the storage-initializer container',
    source: `${KS20}:1226@v0.20.0; ${OLD}:507@v0.11.1`,
  },
  {
    id: 'DG163',
    name: 'no-model-found',
    title:
      'nothing to download under the URI (Failed to fetch model. No model found in …): wrong prefix, empty objects, or everything filtered',
    where: 'log',
    match: /Failed to fetch model\. No model found in/,
    example: `${FAILED}Failed to fetch model. No model found in llama.`,
    fix: "list {uri} with the provider's tool (aws s3 ls, gcloud storage ls, az storage blob list) and fix the path (case matters; S3 prints only the key prefix); v0.19.0+ skips zero-byte S3 objects and applies STORAGE_ALLOW_PATTERNS/STORAGE_IGNORE_PATTERNS",
    source: `${KS20}:568 (s3), :752 (gcs), :954 (azure blob), :1099 (azure file), :1250 (file)@v0.20.0; ${OLD}:220 (s3), :259 (gcs)@v0.11.1`,
  },
  {
    id: 'DG164',
    name: 'invalid-archive',
    title: 'the downloaded archive is not a valid .zip or .tar(.gz)',
    where: 'log',
    match: /Failed to unpack archive file/,
    example: `${FAILED}Failed to unpack archive file. The file format is not valid.`,
    fix: 'check the file at {uri} unpacks (tar tzf / unzip -l); a single .zip/.tar.gz/.tgz object is unpacked, anything else is kept as is',
    source: `${KS20}:1349@v0.20.0; ${OLD}:604@v0.11.1`,
  },
  {
    id: 'DG165',
    name: 'invalid-json-config',
    title:
      "a JSON value the storage-initializer reads is not JSON (storage-config entry, STORAGE_OVERRIDE_CONFIG, or an https Secret's headers)",
    where: 'log',
    match: /JSONDecodeError|Expecting value: line \d+ column \d+|Expecting property name enclosed in double quotes/,
    example: `${UNEXPECTED}Expecting property name enclosed in double quotes: line 1 column 2 (char 1)`,
    fix: "make the storage-config Secret entry (key default, default_<type>, or storage.key) and the https Secret's headers valid JSON objects: kubectl get secret storage-config -n {namespace} -o yaml",
    source: `json.loads at ${KS20}:249, :250 (STORAGE_CONFIG, STORAGE_OVERRIDE_CONFIG) and :1277 (<host>-headers)@v0.20.0; ${OLD}:108, :109, :557@v0.11.1`,
  },
  {
    id: 'DG166',
    name: 'confidential-decryption-failed',
    title: 'the model was downloaded but could not be decrypted (confidential model serving)',
    where: 'log',
    match: /Confidential decryption failed|CONFIDENTIAL_RESOURCE_ID must be set|Failed to retrieve key from CDH|Invalid resource ID format/,
    example: `${CONFIDENTIAL}Confidential decryption failed: Failed to retrieve key from CDH: HTTPConnectionPool(host='127.0.0.1', port=8006): Max retries exceeded with url: /cdh/resource/default/model-key/llama (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3a9c2b1d60>: Failed to establish a new connection: [Errno 111] Connection refused'))`,
    fix: 'check the internal.serving.kserve.io/confidential-resource-id annotation (kbs:///REPO/TYPE/TAG) and that the Confidential Data Hub in the TEE can release the key',
    source: `${ENTRY}:40, :63@v0.20.0; python/storage/kserve_storage/confidential/cdh_client.py:67, :83@v0.20.0`,
  },
  {
    id: 'DG167',
    name: 'entrypoint-usage',
    title: 'the storage-initializer got the wrong arguments (Usage: initializer-entrypoint …)',
    where: 'log',
    match: /Usage: initializer-entrypoint/,
    example: 'Usage: initializer-entrypoint src_uri_0 dest_path_0 ... src_uri_n dest_path_n',
    fix: 'a custom storage container must be given "SRC_URI DEST_PATH" pairs as args (KServe passes them): check the ClusterStorageContainer\'s command/args; before v0.19.0 this exits 0 and the model starts with an empty /mnt/models',
    source: `${ENTRY}:11@v0.20.0 (exit 1); ${ENTRY}:8@v0.11.1 (exit 0)`,
  },
  {
    id: 'DG168',
    name: 'missing-python-module',
    title: 'the storage-initializer image lacks a Python module the scheme needs',
    where: 'log',
    match:
      /ModuleNotFoundError: No module named|ImportError: cannot import name|storage initialization: (?:No module named|cannot import name) '/,
    example: `${UNEXPECTED}No module named 'krbcontext'`,
    fix: "use an official kserve/storage-initializer image of the controller's release: kubectl storage-init set-image --isvc {name} -n {namespace} --tag <release>",
    source: `Python ModuleNotFoundError (storage providers import their SDK lazily, e.g. krbcontext, dulwich, huggingface_hub); from v0.19.0 logged without the class name by ${ENTRY}:31@v0.20.0`,
  },

  // ───────────────────────────── log lines: the network (after the scheme-specific texts) ─────────────────────────────
  {
    id: 'DG169',
    name: 'dns-lookup-failed',
    title: 'the storage host name does not resolve (DNS)',
    where: 'log',
    match:
      /Name or service not known|Temporary failure in name resolution|Failed to resolve '|NameResolutionError|No address associated with hostname|nodename nor servname provided|getaddrinfo failed/,
    example: `${RAISED}HTTP error for https://models.example.com/iris/model.joblib: HTTPSConnectionPool(host='models.example.com', port=443): Max retries exceeded with url: /iris/model.joblib (Caused by NameResolutionError("<urllib3.connection.HTTPSConnection object at 0x7f3a9c2b1d60>: Failed to resolve 'models.example.com' ([Errno -2] Name or service not known)"))`,
    fix: 'correct the host in {uri} or in the endpoint setting; an in-cluster Service is SERVICE.NAMESPACE.svc[.cluster.local]; check CoreDNS and egress DNS from {namespace}',
    source: 'urllib3 NameResolutionError ("Failed to resolve \'host\' ([Errno -2] Name or service not known)"); socket.gaierror',
  },
  {
    id: 'DG170',
    name: 'connection-refused',
    title: 'nothing listens at the storage endpoint (Connection refused)',
    where: 'log',
    match: /Connection refused|\[Errno 111\]|ConnectionRefusedError/,
    example: `${RAISED}HTTP error for http://model-store.models.svc.cluster.local:8080/iris/model.joblib: HTTPConnectionPool(host='model-store.models.svc.cluster.local', port=8080): Max retries exceeded with url: /iris/model.joblib (Caused by NewConnectionError('<urllib3.connection.HTTPConnection object at 0x7f3a9c2b1d60>: Failed to establish a new connection: [Errno 111] Connection refused'))`,
    fix: 'check the endpoint host and port (and http vs https), that the storage Service has ready endpoints, and that no NetworkPolicy blocks {namespace}',
    source: 'urllib3 NewConnectionError ("Failed to establish a new connection: [Errno 111] Connection refused")',
  },
  {
    id: 'DG171',
    name: 'read-timeout',
    title: 'the storage endpoint stops answering mid-request (read timeout)',
    where: 'log',
    match: /Read timed out|Read timeout on endpoint URL|ReadTimeoutError|\(RequestTimeout\)/,
    example: `${RAISED}HTTP error for https://models.example.com/iris/model.joblib: HTTPSConnectionPool(host='models.example.com', port=443): Read timed out. (read timeout=30)`,
    fix: "the endpoint is slow or overloaded: retry; for S3 raise S3_READ_TIMEOUT / S3_MAX_ATTEMPTS (v0.19.0+) in the storage-initializer's env through a ClusterStorageContainer",
    source: `urllib3 ReadTimeoutError ("Read timed out. (read timeout=…)"); botocore ReadTimeoutError; S3 timeouts at ${KS20}:294@v0.20.0`,
  },
  {
    id: 'DG172',
    name: 'connect-timeout',
    title: 'the storage endpoint does not answer at all (connect timeout): a firewall or NetworkPolicy drops the traffic',
    where: 'log',
    match: /ConnectTimeout|Connect timeout on endpoint URL|timed out\. \(connect timeout=|\[Errno 110\]|Connection timed out/,
    example: `${RAISED}HTTP error for https://models.example.com/iris/model.joblib: HTTPSConnectionPool(host='models.example.com', port=443): Max retries exceeded with url: /iris/model.joblib (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f3a9c2b1d60>, 'Connection to models.example.com timed out. (connect timeout=30)'))`,
    fix: 'allow egress from {namespace} to the endpoint (NetworkPolicy, cloud firewall); behind a proxy, give the storage-initializer HTTPS_PROXY and NO_PROXY (env of the storage-initializer goes through a ClusterStorageContainer: spec.container.env, kserve#1348)',
    source: 'urllib3 ConnectTimeoutError ("Connection to host timed out. (connect timeout=…)"); botocore ConnectTimeoutError',
  },
  {
    id: 'DG173',
    name: 'network-unreachable',
    title: 'the storage endpoint is unreachable from the pod (no route)',
    where: 'log',
    match: /Network is unreachable|\[Errno 101\]|No route to host|\[Errno 113\]/,
    example: `${RAISED}HTTP error for https://models.example.com/iris/model.joblib: HTTPSConnectionPool(host='models.example.com', port=443): Max retries exceeded with url: /iris/model.joblib (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f3a9c2b1d60>: Failed to establish a new connection: [Errno 101] Network is unreachable'))`,
    fix: 'the pod has no route to the endpoint (IPv6-only address, missing egress, wrong network): check the endpoint address from a pod in {namespace}',
    source: 'Python OSError errno 101 / 113',
  },
  {
    id: 'DG174',
    name: 'connection-reset',
    title: 'the connection to the storage endpoint broke during the download',
    where: 'log',
    match:
      /Connection reset by peer|\[Errno 104\]|RemoteDisconnected|Connection aborted|Connection was closed before we received a valid response|IncompleteRead|ChunkedEncodingError/,
    example: `${RAISED}HTTP error for https://models.example.com/iris/model.joblib: ('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))`,
    fix: 'retry (delete the pods); if it repeats, a proxy, load balancer or the endpoint cuts long downloads',
    source: 'urllib3 ProtocolError / http.client RemoteDisconnected; botocore ConnectionClosedError',
  },
  {
    id: 'DG175',
    name: 'invalid-url',
    title: 'a URL the storage-initializer uses has no scheme or is malformed',
    where: 'log',
    match: /No scheme supplied|Invalid URL '|InvalidSchema|No connection adapters were found/,
    example: `${UNEXPECTED}Invalid URL 'namenode.hadoop.svc:9870/webhdfs/v1/models/llama?op=GETFILESTATUS': No scheme supplied. Perhaps you meant https://namenode.hadoop.svc:9870/webhdfs/v1/models/llama?op=GETFILESTATUS?`,
    fix: 'give endpoints with http:// or https:// (HDFS_NAMENODE in the HDFS Secret, endpoint_url in the storage-config secret) and check {uri}',
    source: 'requests MissingSchema / InvalidURL / InvalidSchema',
  },

  // ───────────────────────────── container states (init container `REASON: message`) ─────────────────────────────
  {
    id: 'DG201',
    name: 'oom-killed',
    title: 'the storage-initializer runs out of memory: the kernel kills it (OOMKilled)',
    where: 'state',
    match: /^OOMKilled\b/,
    example: 'OOMKilled: ',
    fix: 'kubectl storage-init set-resources --isvc {name} -n {namespace} --limits memory=<twice the current limit, e.g. 4Gi>',
    source: 'kubernetes',
  },
  {
    id: 'DG202',
    name: 'image-rate-limited',
    title: 'the registry rate-limits pulls of the storage-initializer image (toomanyrequests)',
    where: 'state',
    match: /^(?:ErrImagePull|ImagePullBackOff)\b.*?(?:toomanyrequests|429 Too Many Requests|rate limit)/i,
    example:
      'ErrImagePull: rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/kserve/storage-initializer:v0.20.0": failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/kserve/storage-initializer/manifests/sha256:3b9c2f0e8d7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
    fix: 'pull through a mirror: kubectl storage-init set-image --isvc {name} -n {namespace} --registry MIRROR, or add an imagePullSecret with a paid Docker Hub account to the service account',
    source: 'kubernetes',
  },
  {
    id: 'DG203',
    name: 'image-pull-denied',
    title: 'the registry refuses the storage-initializer image (private, or the repository does not exist)',
    where: 'state',
    match:
      /^(?:ErrImagePull|ImagePullBackOff)\b.*?(?:pull access denied|unauthorized|authentication required|401 Unauthorized|403 Forbidden|insufficient_scope)/i,
    example:
      'ErrImagePull: rpc error: code = Unknown desc = failed to pull and unpack image "registry.example.com/ml/storage-initializer:v0.20.0": failed to resolve reference "registry.example.com/ml/storage-initializer:v0.20.0": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed',
    fix: "add an imagePullSecret to the predictor's service account, or use an image the nodes may pull: kubectl storage-init set-image --isvc {name} -n {namespace} IMAGE",
    source: 'kubernetes',
  },
  {
    id: 'DG204',
    name: 'image-not-found',
    title: 'the storage-initializer image or tag does not exist',
    where: 'state',
    match: /^(?:ErrImagePull|ImagePullBackOff)\b.*?(?:manifest unknown|not found|does not exist)/i,
    example:
      'ErrImagePull: rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/kserve/storage-initializer:v0.20.9": failed to resolve reference "docker.io/kserve/storage-initializer:v0.20.9": docker.io/kserve/storage-initializer:v0.20.9: not found',
    fix: "use a released tag: kubectl storage-init set-image --isvc {name} -n {namespace} --tag <the controller's release, e.g. v0.20.0>",
    source: 'kubernetes',
  },
  {
    id: 'DG205',
    name: 'invalid-image-name',
    title: 'the storage-initializer image reference is not valid (InvalidImageName)',
    where: 'state',
    match: /^InvalidImageName\b/,
    example:
      'InvalidImageName: Failed to apply default image tag "kserve/Storage-Initializer:v0.20.0": couldn\'t parse image reference "kserve/Storage-Initializer:v0.20.0": invalid reference format: repository name must be lowercase',
    fix: 'kubectl storage-init set-image --isvc {name} -n {namespace} [registry/]repository:tag',
    source: 'kubernetes',
  },
  {
    id: 'DG206',
    name: 'image-pull-failed',
    title: 'the storage-initializer image cannot be pulled',
    where: 'state',
    match: /^(?:ErrImagePull|ImagePullBackOff)\b/,
    example: 'ImagePullBackOff: Back-off pulling image "kserve/storage-initializer:v0.20.0"',
    fix: 'kubectl describe pod -n {namespace} shows the pull error; fix the reference with kubectl storage-init set-image --isvc {name} -n {namespace} --tag/--registry',
    source: 'kubernetes',
  },
  {
    id: 'DG207',
    name: 'secret-key-missing',
    title: "a Secret the storage-initializer's env refers to lacks the key (couldn't find key … in Secret)",
    where: 'state',
    match: /^CreateContainerConfigError\b.*?couldn't find key \S+ in Secret/,
    example: "CreateContainerConfigError: couldn't find key AWS_SECRET_ACCESS_KEY in Secret kserve-test/s3creds",
    fix: 'add the key to the Secret: the S3 keys are AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY unless s3AccessKeyIDName/s3SecretAccessKeyName in the credentials config say otherwise; HF_TOKEN for Hugging Face; the storage-config entry (default, default_<type>, or storage.key)',
    source:
      'kubernetes (kubelet); secretKeyRef env from pkg/credentials/s3/s3_secret.go, hf/hf_secret.go, service_account_credentials.go@v0.20.0',
  },
  {
    id: 'DG208',
    name: 'secret-not-found',
    title: "a Secret the storage-initializer's env refers to is gone",
    where: 'state',
    match: /^CreateContainerConfigError\b.*?secret "[^"]*" not found/,
    example: 'CreateContainerConfigError: secret "s3creds" not found',
    fix: 'recreate the Secret in {namespace}, or remove it from the service account / serving.kserve.io/storageSecretName annotation, then delete the pods',
    source: 'kubernetes (kubelet)',
  },
  {
    id: 'DG209',
    name: 'configmap-not-found',
    title: "a ConfigMap the storage-initializer's env refers to is gone or lacks the key",
    where: 'state',
    match: /^CreateContainerConfigError\b.*?(?:configmap "[^"]*" not found|couldn't find key \S+ in ConfigMap)/,
    example: 'CreateContainerConfigError: configmap "model-env" not found',
    fix: 'recreate the ConfigMap (or key) in {namespace}: kubectl get configmap -n {namespace}',
    source: 'kubernetes (kubelet)',
  },
  {
    id: 'DG210',
    name: 'run-as-non-root',
    title: 'runAsNonRoot is required but the storage-initializer image does not declare a numeric non-root user',
    where: 'state',
    match: /runAsNonRoot and image (?:will run as root|has non-numeric user)/,
    example:
      'CreateContainerConfigError: container has runAsNonRoot and image will run as root (pod: "sklearn-iris-predictor-7d9c8b6f5d-x2x9k_kserve-test(6f1c2e3d-4b5a-4c7d-8e9f-0a1b2c3d4e5f)", container: storage-initializer)',
    fix: 'give the storage-initializer a numeric runAsUser (e.g. 1000) through a ClusterStorageContainer spec.container.securityContext',
    source: 'kubernetes (kubelet)',
  },
  {
    id: 'DG211',
    name: 'container-config-error',
    title: 'the kubelet cannot build the storage-initializer container (CreateContainerConfigError)',
    where: 'state',
    match: /^CreateContainerConfigError\b/,
    example: 'CreateContainerConfigError: failed to sync secret cache: timed out waiting for the condition',
    fix: 'kubectl describe pod -n {namespace} shows which Secret, ConfigMap or setting is missing',
    source: 'kubernetes',
  },
  {
    id: 'DG212',
    name: 'exec-format-error',
    title: 'the storage-initializer image is for another CPU architecture (exec format error)',
    where: 'state',
    match: /exec format error/,
    example: 'Error: exec /storage-initializer/scripts/initializer-entrypoint: exec format error',
    fix: 'use a multi-arch or matching-arch image: kubectl storage-init set-image --isvc {name} -n {namespace} IMAGE',
    source: 'kubernetes (container runtime)',
  },
  {
    id: 'DG213',
    name: 'entrypoint-not-found',
    title: 'the image has no storage-initializer entrypoint (not a KServe storage-initializer image?)',
    where: 'state',
    match:
      /^(?:StartError|RunContainerError|CreateContainerError|ContainerCannotRun)\b.*?(?:no such file or directory|executable file not found)/,
    example:
      'RunContainerError: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/storage-initializer/scripts/initializer-entrypoint": stat /storage-initializer/scripts/initializer-entrypoint: no such file or directory: unknown',
    fix: "use a kserve/storage-initializer image (its entrypoint is /storage-initializer/scripts/initializer-entrypoint), or fix the ClusterStorageContainer's command",
    source: 'kubernetes (container runtime)',
  },
  {
    id: 'DG214',
    name: 'container-start-failed',
    title: 'the container runtime cannot start the storage-initializer',
    where: 'state',
    match: /^(?:StartError|RunContainerError|CreateContainerError|ContainerCannotRun)\b/,
    example: 'CreateContainerError: context deadline exceeded',
    fix: "kubectl describe pod -n {namespace} shows the runtime's error",
    source: 'kubernetes',
  },
  {
    id: 'DG215',
    name: 'crash-loop',
    title: 'the storage-initializer fails again and again (CrashLoopBackOff)',
    where: 'state',
    match: /^CrashLoopBackOff\b/,
    example:
      'CrashLoopBackOff: back-off 5m0s restarting failed container=storage-initializer pod=sklearn-iris-predictor-7d9c8b6f5d-x2x9k_kserve-test(6f1c2e3d-4b5a-4c7d-8e9f-0a1b2c3d4e5f)',
    fix: 'read why the last run failed: kubectl storage-init logs {name} -n {namespace} --previous',
    source: 'kubernetes',
  },

  // ───────────────────────────── events (`REASON: message`) ─────────────────────────────
  {
    id: 'DG301',
    name: 'insufficient-memory',
    title:
      "no node has the memory the model's pod requests (a pod's request is the larger of its biggest init container and the sum of its containers)",
    where: 'event',
    match: /^FailedScheduling\b.*?Insufficient memory/,
    example:
      'FailedScheduling: 0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    fix: "lower what the pod asks (kubectl storage-init set-resources --isvc {name} -n {namespace} --requests memory=… if the storage-initializer asks most, else the predictor's resources) or add memory to the cluster",
    source: 'kubernetes (scheduler)',
  },
  {
    id: 'DG302',
    name: 'insufficient-cpu',
    title: "no node has the CPU the model's pod requests",
    where: 'event',
    match: /^FailedScheduling\b.*?Insufficient cpu/,
    example:
      'FailedScheduling: 0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    fix: "lower what the pod asks (kubectl storage-init set-resources --isvc {name} -n {namespace} --requests cpu=… if the storage-initializer asks most, else the predictor's resources) or add nodes",
    source: 'kubernetes (scheduler)',
  },
  {
    id: 'DG303',
    name: 'insufficient-ephemeral-storage',
    title: "no node has the ephemeral storage the model's pod requests",
    where: 'event',
    match: /^FailedScheduling\b.*?Insufficient ephemeral-storage/,
    example:
      'FailedScheduling: 0/3 nodes are available: 3 Insufficient ephemeral-storage. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    fix: "lower the pod's ephemeral-storage requests, use nodes with larger disks, or put the model on a PVC (storageUri pvc://CLAIM/PATH)",
    source: 'kubernetes (scheduler)',
  },
  {
    id: 'DG304',
    name: 'insufficient-accelerator',
    title: "no node has the GPUs (or other extended resource) the model's pod requests",
    where: 'event',
    match: /^FailedScheduling\b.*?Insufficient [a-z0-9.-]+\/[a-z0-9.-]+/,
    example:
      'FailedScheduling: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    fix: "free or add nodes with that resource, or lower the predictor's resource limits",
    source: 'kubernetes (scheduler)',
  },
  {
    id: 'DG305',
    name: 'pvc-not-found',
    title: 'the PVC the model reads from does not exist',
    where: 'event',
    match: /^FailedScheduling\b.*?persistentvolumeclaim "[^"]*" not found/,
    example:
      'FailedScheduling: 0/3 nodes are available: persistentvolumeclaim "llama-models" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    schemes: ['pvc://'],
    fix: 'create the claim in {namespace} or correct storageUri {uri} (pvc://CLAIM/PATH)',
    source: 'kubernetes (scheduler)',
  },
  {
    id: 'DG306',
    name: 'pvc-unbound',
    title: 'the PVC the model reads from is not bound to a volume',
    where: 'event',
    match: /^FailedScheduling\b.*?unbound immediate PersistentVolumeClaims/,
    example:
      'FailedScheduling: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    schemes: ['pvc://'],
    fix: 'kubectl describe pvc -n {namespace} says why it does not bind (storage class, capacity, access mode)',
    source: 'kubernetes (scheduler)',
  },
  {
    id: 'DG307',
    name: 'no-matching-node',
    title: "no node matches the pod's node selector, affinity or tolerations",
    where: 'event',
    match:
      /^FailedScheduling\b.*?(?:untolerated taint|didn't match Pod's node affinity|didn't match node selector|node affinity\/selector)/,
    example:
      "FailedScheduling: 0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    fix: "check the predictor's nodeSelector/affinity/tolerations against kubectl get nodes --show-labels",
    source: 'kubernetes (scheduler)',
  },
  {
    id: 'DG308',
    name: 'failed-scheduling',
    title: "the model's pod cannot be scheduled",
    where: 'event',
    match: /^FailedScheduling\b/,
    example:
      'FailedScheduling: 0/3 nodes are available: 3 Too many pods. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    fix: "kubectl describe pod -n {namespace} shows the scheduler's reasons per node",
    source: 'kubernetes (scheduler)',
  },
  {
    id: 'DG309',
    name: 'service-account-not-found',
    title: "the predictor's service account does not exist, so no pod is created",
    where: 'event',
    match: /^FailedCreate\b.*?error looking up service account/,
    example:
      'FailedCreate: Error creating: pods "sklearn-iris-predictor-7d9c8b6f5d-" is forbidden: error looking up service account kserve-test/sa-s3: serviceaccount "sa-s3" not found',
    fix: 'create the service account named in spec.predictor.serviceAccountName in {namespace} (with the storage Secrets under secrets:), or correct the name',
    source: 'kubernetes (ServiceAccount admission)',
  },
  {
    id: 'DG310',
    name: 'pod-security-violation',
    title: "the namespace's Pod Security level rejects the model's pods (violates PodSecurity)",
    where: 'event',
    match: /^FailedCreate\b.*?violates PodSecurity/,
    example:
      'FailedCreate: Error creating: pods "sklearn-iris-predictor-7d9c8b6f5d-x2x9k" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "storage-initializer" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "storage-initializer" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "storage-initializer" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "storage-initializer" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    fix: 'give the storage-initializer a restricted securityContext through a ClusterStorageContainer (allowPrivilegeEscalation: false, capabilities.drop [ALL], runAsNonRoot, seccompProfile RuntimeDefault), or label the namespace pod-security.kubernetes.io/enforce=baseline',
    source: 'kubernetes (PodSecurity admission)',
  },
  {
    id: 'DG311',
    name: 'quota-requires-limits',
    title: 'a ResourceQuota requires limits/requests that the storage-initializer does not set (failed quota: must specify)',
    where: 'event',
    match: /^FailedCreate\b.*?must specify (?:limits|requests)\./,
    example:
      'FailedCreate: Error creating: pods "sklearn-iris-predictor-7d9c8b6f5d-x2x9k" is forbidden: failed quota: compute-resources: must specify limits.cpu,limits.memory,requests.cpu,requests.memory',
    fix: 'kubectl storage-init set-resources --isvc {name} -n {namespace} --requests cpu=…,memory=… --limits cpu=…,memory=…',
    source: 'kubernetes (k8s.io/apiserver pkg/admission/plugin/resourcequota/controller.go "failed quota: %s: %v")',
  },
  {
    id: 'DG312',
    name: 'quota-exceeded',
    title: "the model's pods would exceed the namespace's ResourceQuota (exceeded quota)",
    where: 'event',
    match: /^FailedCreate\b.*?exceeded quota: /,
    example:
      'FailedCreate: Error creating: pods "sklearn-iris-predictor-7d9c8b6f5d-x2x9k" is forbidden: exceeded quota: compute-resources, requested: limits.memory=2Gi, used: limits.memory=19Gi, limited: limits.memory=20Gi',
    fix: 'kubectl describe quota -n {namespace}; raise the quota or lower requests/limits (kubectl storage-init set-resources --isvc {name} -n {namespace} … for the storage-initializer)',
    source:
      'kubernetes (k8s.io/apiserver pkg/admission/plugin/resourcequota/controller.go:622 "exceeded quota: %s, requested: %s, used: %s, limited: %s")',
  },
  {
    id: 'DG313',
    name: 'limit-range-violation',
    title: "a LimitRange rejects the storage-initializer's (or the model's) resources",
    where: 'event',
    match: /^FailedCreate\b.*?(?:maximum|minimum) (?:cpu|memory|ephemeral-storage) usage per (?:Container|Pod) is/,
    example:
      'FailedCreate: Error creating: pods "sklearn-iris-predictor-7d9c8b6f5d-x2x9k" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi',
    fix: 'kubectl describe limitrange -n {namespace}; fit the storage-initializer into it: kubectl storage-init set-resources --isvc {name} -n {namespace} --requests … --limits …',
    source: 'kubernetes (LimitRanger admission)',
  },
  {
    id: 'DG314',
    name: 'webhook-unreachable',
    title: "an admission webhook the model's pods need cannot be called (KServe's pod mutator down?)",
    where: 'event',
    match: /^FailedCreate\b.*?(?:failed calling webhook|failed to call webhook|no endpoints available for service)/,
    example:
      'FailedCreate: Error creating: Internal error occurred: failed calling webhook "inferenceservice.kserve-webhook-server.pod-mutator": failed to call webhook: Post "https://kserve-webhook-server-service.kserve.svc:443/mutate-pods?timeout=10s": no endpoints available for service "kserve-webhook-server-service"',
    fix: "check the webhook's service: kubectl get pods,endpoints -n kserve (kserve-webhook-server-service) and kubectl get mutatingwebhookconfiguration inferenceservice.serving.kserve.io -o yaml",
    source: 'kubernetes (k8s.io/apiserver pkg/util/webhook/error.go "failed calling webhook %q: %v")',
  },
  {
    id: 'DG315',
    name: 'webhook-denied',
    title: "an admission webhook denies the model's pods",
    where: 'event',
    match: /^FailedCreate\b.*?admission webhook "[^"]*" denied the request/,
    example:
      'FailedCreate: Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [allowed-repos] container <storage-initializer> has an invalid image repo <kserve/storage-initializer:v0.20.0>, allowed repos are ["registry.example.com/"]',
    fix: "read the webhook's reason; if a policy (Kyverno, Gatekeeper) rejects the storage-initializer's image, resources or securityContext, adapt it (kubectl storage-init set-image --registry …, set-resources, or a ClusterStorageContainer)",
    source: 'kubernetes (k8s.io/apiserver pkg/admission/plugin/webhook/errors/statuserror.go "admission webhook %q denied the request")',
  },
  {
    id: 'DG316',
    name: 'evicted-ephemeral-storage',
    title: "the model's pod was evicted for using too much ephemeral storage (the downloaded model fills the node's disk)",
    where: 'event',
    match: /^Evicted\b.*?(?:ephemeral-storage|ephemeral local storage|Usage of EmptyDir volume)/,
    example: 'Evicted: The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 8912344Ki. ',
    fix: "the model is downloaded into the emptyDir kserve-provision-location: use nodes with more disk, raise the pod's ephemeral-storage limit, or put the model on a PVC (pvc://) or in a modelcar (oci://)",
    source: 'kubernetes (kubelet eviction)',
  },
  {
    id: 'DG317',
    name: 'evicted-memory',
    title: "the model's pod was evicted because its node ran low on memory",
    where: 'event',
    match: /^Evicted\b.*?low on resource: memory/,
    example:
      'Evicted: The node was low on resource: memory. Threshold quantity: 100Mi, available: 91236Ki. Container kserve-container was using 6234512Ki, request is 2Gi, has larger consumption of memory. ',
    fix: 'set memory requests close to real use (kubectl storage-init set-resources --isvc {name} -n {namespace} --requests memory=…) so the scheduler places the pod where memory is free',
    source: 'kubernetes (kubelet eviction)',
  },
  {
    id: 'DG318',
    name: 'ca-bundle-configmap-missing',
    title: 'the CA bundle ConfigMap the storage-initializer mounts is missing in the namespace',
    where: 'event',
    match: /^FailedMount\b.*?volume "cabundle-cert" : configmap "[^"]*" not found/,
    example: 'FailedMount: MountVolume.SetUp failed for volume "cabundle-cert" : configmap "global-ca-bundle" not found',
    fix: 'the ConfigMap named by caBundleConfigMapName must exist in the kserve namespace (KServe copies it to {namespace} as global-ca-bundle), or the serving.kserve.io/s3-cabundle-configmap ConfigMap in {namespace}',
    source: 'kubernetes (kubelet); volume cabundle-cert in pkg/webhook/admission/pod/storage_initializer_injector.go:45@v0.20.0',
  },
  {
    id: 'DG319',
    name: 'gcs-secret-missing',
    title: 'the GCS credentials Secret the storage-initializer mounts is missing',
    where: 'event',
    match: /^FailedMount\b.*?volume "user-gcp-sa"/,
    example: 'FailedMount: MountVolume.SetUp failed for volume "user-gcp-sa" : secret "gcs-creds" not found',
    schemes: ['gs://'],
    fix: 'recreate the Secret with the key gcloud-application-credentials.json in {namespace}, or remove it from the service account',
    source: 'kubernetes (kubelet); volume user-gcp-sa in pkg/credentials/gcs/gcs_secret.go@v0.20.0',
  },
  {
    id: 'DG320',
    name: 'hdfs-secret-missing',
    title: 'the HDFS credentials Secret the storage-initializer mounts is missing',
    where: 'event',
    match: /^FailedMount\b.*?volume "hdfs-secrets"/,
    example: 'FailedMount: MountVolume.SetUp failed for volume "hdfs-secrets" : secret "hdfs-creds" not found',
    schemes: ['hdfs://', 'webhdfs://'],
    fix: 'recreate the Secret with HDFS_NAMENODE in {namespace}, or remove it from the service account',
    source: 'kubernetes (kubelet); volume hdfs-secrets in pkg/credentials/hdfs/hdfs_secret.go@v0.20.0',
  },
  {
    id: 'DG321',
    name: 'pvc-multi-attach',
    title: "the model's ReadWriteOnce PVC is attached to another node (Multi-Attach error)",
    where: 'event',
    match: /^(?:FailedAttachVolume|FailedMount)\b.*?Multi-Attach error/,
    example:
      'FailedAttachVolume: Multi-Attach error for volume "pvc-3f2b9c1e-8a4d-4c7e-9b1a-2d5e6f7a8b9c" Volume is already used by pod(s) sklearn-iris-predictor-7d9c8b6f5d-q8w7e',
    schemes: ['pvc://'],
    fix: 'use a ReadOnlyMany/ReadWriteMany claim for models served by several pods, or keep the replicas on one node',
    source: 'kubernetes (attach/detach controller)',
  },
  {
    id: 'DG322',
    name: 'pvc-mount-failed',
    title: "the model's PVC cannot be mounted",
    where: 'event',
    match: /^(?:FailedMount|FailedAttachVolume)\b.*?kserve-pvc-source/,
    example:
      'FailedMount: Unable to attach or mount volumes: unmounted volumes=[kserve-pvc-source], unattached volumes=[kserve-pvc-source kserve-provision-location kube-api-access-7xk2p]: timed out waiting for the condition',
    schemes: ['pvc://'],
    fix: "kubectl describe pvc -n {namespace} and the volume's CSI driver events say why",
    source: 'kubernetes (kubelet); volume kserve-pvc-source (PvcSourceMountName) in pkg/constants/constants.go:209@v0.20.0',
  },
  {
    id: 'DG323',
    name: 'mount-source-missing',
    title: 'a Secret or ConfigMap the pod mounts is missing',
    where: 'event',
    match: /^FailedMount\b.*?(?:secret|configmap) "[^"]*" not found/,
    example: 'FailedMount: MountVolume.SetUp failed for volume "model-config" : configmap "modelconfig-sklearn-iris-0" not found',
    fix: 'recreate it in {namespace}: kubectl describe pod -n {namespace} names the volume',
    source: 'kubernetes (kubelet)',
  },
  {
    id: 'DG324',
    name: 'progress-deadline-exceeded',
    title: "the model's pods did not become ready in time (ProgressDeadlineExceeded): often a slow or stuck download",
    where: 'event',
    match: /\bProgressDeadlineExceeded\b/,
    example: 'ProgressDeadlineExceeded: ReplicaSet "sklearn-iris-predictor-7d9c8b6f5d" has timed out progressing.',
    fix: "watch the download (kubectl storage-init logs {name} -n {namespace} -f); for a large model in serverless mode raise the serving.knative.dev/progress-deadline annotation on the model (KServe copies it to the revision); a Deployment's 600s is KServe's own and only reported, the download goes on",
    source: 'kubernetes (Deployment controller; Knative Revision)',
  },

  // ───────────────────────────── the model server's log, after a download that succeeded ─────────────────────────────
  {
    id: 'DG401',
    name: 'model-missing',
    title:
      'the download succeeded, but the model server finds no model in /mnt/models: the URI names a parent, a sibling or an empty prefix (kserve#3499, kserve#817)',
    where: 'model-log',
    match: /\bModelMissingError\b|does not appear to have a file named|No such file or directory: '\/mnt\/models/,
    example: 'kserve.errors.ModelMissingError: /mnt/models',
    fix: "list {uri} (aws s3 ls, gcloud storage ls, az storage blob list): the model's own files must be directly under it; point storageUri at the directory that holds them",
    source:
      'python/kserve/kserve/errors.py ModelMissingError; python/sklearnserver/sklearnserver/model.py:46@v0.20.0 (and the other servers); transformers OSError "does not appear to have a file named config.json"',
  },
  {
    id: 'DG402',
    name: 'more-than-one-model',
    title: 'the download put several model files in /mnt/models, and the model server takes exactly one',
    where: 'model-log',
    match: /More than one model file is detected/,
    example:
      "RuntimeError: More than one model file is detected, Only one is allowed within model_dir: [PosixPath('/mnt/models/model.joblib'), PosixPath('/mnt/models/old/model.pkl')]",
    fix: 'point storageUri at the directory of one model, or remove the other model files from {uri}',
    source: 'python/sklearnserver/sklearnserver/model.py:48@v0.20.0 (lgbserver, pmmlserver, xgbserver alike)',
  },
]
