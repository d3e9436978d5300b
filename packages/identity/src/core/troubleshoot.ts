// Links from error messages into azid's troubleshooting guide (errors.ts re-exports these).

/**
 * Where azid's troubleshooting guide is, relative to the azid repository (the packages are not on a
 * registry yet, so there is no public URL to print); error messages name `<this>#<anchor>`. The one
 * place to change when the guide gets a public address.
 */
export const TROUBLESHOOTING_GUIDE = "docs/troubleshooting.md";

/**
 * The sentence azid appends to an error message to point at the section of the troubleshooting guide
 * that explains the fix. `scripts/check-docs.mjs` (part of `npm test`) fails when an anchor passed here
 * as a string literal does not exist in docs/troubleshooting.md.
 */
export function troubleshoot(anchor: string): string {
  return `See azid's ${TROUBLESHOOTING_GUIDE}#${anchor}.`;
}
