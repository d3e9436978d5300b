// persistenceCode.ts in the web builds: a browser page or a worker has no persistence code to load
// (providers/lazyPersistence.web.ts and .browser.ts explain why), so nothing names lazy.ts.
export const loadPersistenceCode = undefined;
