// What each client needs, beyond the printed variables, to use a running emulator. Only azid takes
// everything from the environment; the others still ask login.microsoftonline.com about an
// authority they don't know (instance discovery) unless told not to in code, and Python trusts
// its own CA bundle rather than NODE_EXTRA_CA_CERTS.
export function clientGuide(url: string, caCertPath: string, tenantId: string | undefined): string[] {
  const host = new URL(url).host;
  const authority = `${url}/${tenantId ?? "<tenant>"}`;
  return [
    "What each client needs (details: packages/emulator/README.md, 'Using it from other clients'):",
    "  azid (@azid/identity)   these variables are enough (in this process: tlsOptions: { ca }).",
    "  @azure/identity         these variables, and disableInstanceDiscovery: true in every credential's options.",
    `  @azure/msal-node        authority: "${authority}", knownAuthorities: ["${host}"], NODE_EXTRA_CA_CERTS.`,
    `  Python azure-identity   AZURE_AUTHORITY_HOST, REQUESTS_CA_BUNDLE=${caCertPath} (or SSL_CERT_FILE for`,
    "                          urllib-based code), and disable_instance_discovery=True (msal: instance_discovery=False).",
    "                          UsernamePasswordCredential / msal's ROPC also query https://<host>/common/userrealm",
    "                          on port 443 whatever the port in the URL: run the emulator with --port 443 for it.",
    "  Azure CLI               az login --service-principal can't use it (az 2.45 keeps instance discovery on);",
    "                          az login --identity works with --host cloudShell and REQUESTS_CA_BUNDLE.",
  ];
}
