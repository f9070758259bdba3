export interface ProbeResult {
  healthy: boolean;
  /** One line an operator reads: "db01 is running", "connect ECONNREFUSED 127.0.0.1:80". */
  detail: string;
  durationMs: number;
}
