// The loader of tokenCachePersistenceOptions' code (the MSAL cache format, the plugin's store): lazy.ts,
// on first use. index.ts hands it to providers/lazyPersistence.ts, as the layering lets only the
// layers above lazy.ts name it. The web builds pick persistenceCode.web.ts: no persistence there, and
// no import() of lazy.ts in their graph (a dynamically imported module costs a bundle its tree-shaking).
export const loadPersistenceCode = () => import("./lazy.js");
