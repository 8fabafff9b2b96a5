/** A dependency whose failure makes the server unhealthy. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

/** Readiness: which dependencies fail to answer within the time limit. */
export class HealthService {
  constructor(
    private readonly checks: HealthCheck[],
    private readonly timeoutMs = 3000,
  ) {}

  async failingDependencies(): Promise<string[]> {
    const results = await Promise.all(
      this.checks.map(async (dependency) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), this.timeoutMs);
        });
        try {
          await Promise.race([dependency.check(), timeout]);
          return null;
        } catch {
          return dependency.name;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return results.filter((name): name is string => name !== null);
  }
}
