// An optional peer package of the application (@azure/logger): imported once,
// by a dynamic import() of its name held in a variable (bundlers leave it alone, type-checkers need no
// types), so an ESM application shares its module instance and the CommonJS build the same require().
// Without the package, or without the export, the result is undefined; azid's core keeps zero
// runtime dependencies.

/** The named export `name` of the installed package `specifier` (or of its CommonJS default), or undefined. */
export async function loadOptionalPeerExport<T>(specifier: string, name: string): Promise<T | undefined> {
  try {
    const module = (await import(specifier)) as Record<string, unknown> & { default?: Record<string, unknown> };
    const value = module[name] ?? module.default?.[name];
    return typeof value === "function" ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}
