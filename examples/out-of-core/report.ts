/** The learning curve of the out-of-core example: one point per training chunk. */

export interface CurvePoint {
  /** 0-based index of the chunk just trained on. */
  readonly chunk: number;
  /** Training rows seen so far. */
  readonly rowsSeen: number;
  /** Held-out metrics after training on this chunk. */
  readonly accuracy: number;
  readonly balancedAccuracy: number;
  readonly logLoss: number;
  /** Peak RSS of the task that trained on this chunk (MiB). */
  readonly peakRssMiB: number;
}

/** The curve as a table with a bar per point, scaled between the lowest and highest accuracy. */
export function renderCurve(curve: readonly CurvePoint[]): string {
  const lo = Math.min(...curve.map((p) => p.accuracy));
  const hi = Math.max(...curve.map((p) => p.accuracy));
  const width = 30;
  const rows = curve.map((p) => {
    const filled = hi > lo ? Math.round(((p.accuracy - lo) / (hi - lo)) * (width - 1)) + 1 : width;
    return [
      String(p.chunk + 1).padStart(5),
      p.rowsSeen.toLocaleString('en-US').padStart(11),
      p.accuracy.toFixed(4).padStart(8),
      p.logLoss.toFixed(4).padStart(8),
      p.peakRssMiB.toFixed(0).padStart(8),
      '█'.repeat(filled),
    ].join('  ');
  });
  const header = ['chunk', 'rows seen'.padStart(11), 'accuracy', 'log loss', 'peak MiB', `accuracy ${lo.toFixed(4)} … ${hi.toFixed(4)}`].join('  ');
  return [header, ...rows].join('\n');
}
