// Options every credential the CLI builds shares. With AZURE_AUTHORITY_HOST set (a sovereign cloud,
// Azure Stack, or the emulator) instance discovery is skipped: that host is trusted as given.
export function authorityOptions(): { disableInstanceDiscovery?: true } {
  return process.env.AZURE_AUTHORITY_HOST ? { disableInstanceDiscovery: true } : {};
}
