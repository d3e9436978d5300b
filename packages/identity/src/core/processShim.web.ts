// What the web builds put in place of Node's `process` global, which code shared with Node reads
// (AZURE_* settings, the log sink). scripts/build.mjs injects it into the browser and workerd bundles;
// nothing imports it. There is no environment in a browser or a worker: every setting comes from
// credential options. Log lines go to console.error.
export const webProcess = {
  env: {} as Record<string, string | undefined>,
  stderr: {
    write(text: string): boolean {
      console.error(text.replace(/\n$/, ""));
      return true;
    },
  },
};

export { webProcess as process };
