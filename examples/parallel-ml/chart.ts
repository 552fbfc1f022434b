/** A small SVG bar chart: serial vs planned time per workload, with estimated and realised speedups. */

export interface ChartRow {
  readonly name: string;
  readonly serialMs: number;
  readonly plannedMs: number;
  readonly plan: string;
  readonly estimated: number;
  readonly realised: number;
}

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const secs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

export function barChart(rows: readonly ChartRow[], title: string): string {
  const left = 230;
  const width = 760;
  const barH = 16;
  const groupH = 2 * barH + 30;
  const top = 50;
  const height = top + rows.length * groupH + 10;
  const max = Math.max(...rows.flatMap((r) => [r.serialMs, r.plannedMs]), 1);
  const scale = (ms: number): number => (ms / max) * (width - left - 260);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    `<rect x="${left}" y="32" width="12" height="10" fill="#9e9e9e"/><text x="${left + 16}" y="41">serial</text>`,
    `<rect x="${left + 70}" y="32" width="12" height="10" fill="#1f77b4"/><text x="${left + 86}" y="41">planner (incl. dry run)</text>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * groupH;
    parts.push(`<text x="${left - 8}" y="${y + barH + 4}" text-anchor="end" font-weight="bold">${esc(r.name)}</text>`);
    parts.push(`<text x="${left - 8}" y="${y + 2 * barH + 6}" text-anchor="end" fill="#555">${esc(r.plan)}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${scale(r.serialMs).toFixed(1)}" height="${barH}" fill="#9e9e9e"/>`);
    parts.push(`<text x="${left + scale(r.serialMs) + 6}" y="${y + barH - 4}">${secs(r.serialMs)}</text>`);
    parts.push(`<rect x="${left}" y="${y + barH + 2}" width="${scale(r.plannedMs).toFixed(1)}" height="${barH}" fill="#1f77b4"/>`);
    parts.push(
      `<text x="${left + scale(r.plannedMs) + 6}" y="${y + 2 * barH - 2}">${secs(r.plannedMs)} — est. ${r.estimated.toFixed(2)}×, realised ${r.realised.toFixed(2)}×</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
