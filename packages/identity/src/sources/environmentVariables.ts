// The service principal / user settings EnvironmentCredential reads, also reported by `azid doctor`.

/** Every variable EnvironmentCredential reads. Values are never logged, only names. */
export const AllSupportedEnvironmentVariables = [
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  "AZURE_USERNAME",
  "AZURE_PASSWORD",
  "AZURE_AUTHORITY_HOST",
  "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN",
  "AZURE_ADDITIONALLY_ALLOWED_TENANTS",
] as const;
