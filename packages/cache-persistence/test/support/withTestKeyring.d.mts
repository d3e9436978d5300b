export declare const TEST_KEYRING_PASSWORD: string;
export declare function makeTestHome(): { home: string; env: Record<string, string> };
export declare function runWithTestKeyring(
  command: string,
  args: string[],
  options?: { keyring?: "unlocked" | "locked" | "none"; env?: Record<string, string | undefined>; home?: string; homeEnv?: Record<string, string> },
): Promise<{ code: number | null; stdout: string; stderr: string; home: string }>;
