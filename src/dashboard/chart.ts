import { percent, type HealthPoint } from './glance';
import { html, type Html } from './html';

/**
 * One ring's health per check as inline SVG: the failure rate of each check against the plan's bound and, when it was
 * measured, the ring's baseline before the rollout. No script, no library.
 */

const WIDTH = 420;
const HEIGHT = 140;
const PAD = { left: 44, right: 12, top: 12, bottom: 22 };

export function healthChart(ring: string, points: HealthPoint[]): Html {
  const last = points.at(-1);
  if (!last) return html``;
  const baseline = points.find((p) => p.baseline !== undefined)?.baseline;
  const top = Math.max(last.bound * 1.5, baseline ?? 0, ...points.map((p) => p.rate), 0.01);
  const x = (i: number): number => PAD.left + (points.length === 1 ? (WIDTH - PAD.left - PAD.right) / 2 : (i / (points.length - 1)) * (WIDTH - PAD.left - PAD.right));
  const y = (rate: number): number => PAD.top + (1 - rate / top) * (HEIGHT - PAD.top - PAD.bottom);
  const fixed = (n: number): string => n.toFixed(1);
  const line = points.map((p, i) => `${fixed(x(i))},${fixed(y(p.rate))}`).join(' ');
  const level = (rate: number, cls: string, label: string): Html =>
    html`<line class="${cls}" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${fixed(y(rate))}" y2="${fixed(y(rate))}"/><text class="${cls}" x="${WIDTH - PAD.right}" y="${fixed(y(rate) - 3)}" text-anchor="end">${label}</text>`;
  return html`<figure class="chart" data-ring="${ring}">
<svg role="img" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" aria-label="${`ring ${ring}: failure rate of ${points.length} checks against the bound ${percent(last.bound)}`}">
<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}"/>
<line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${HEIGHT - PAD.bottom}" y2="${HEIGHT - PAD.bottom}"/>
<text class="tick" x="${PAD.left - 4}" y="${fixed(y(0) + 4)}" text-anchor="end">0%</text>
<text class="tick" x="${PAD.left - 4}" y="${fixed(y(top) + 8)}" text-anchor="end">${percent(top)}</text>
${level(last.bound, 'bound', `bound ${percent(last.bound)}`)}
${baseline !== undefined ? level(baseline, 'baseline', `baseline ${percent(baseline)}`) : ''}
${points.length > 1 ? html`<polyline class="rate" points="${line}"/>` : ''}
${points.map(
  (p, i) =>
    html`<circle class="${p.breached ? 'point breached' : p.judged === false ? 'point unjudged' : 'point'}" cx="${fixed(x(i))}" cy="${fixed(y(p.rate))}" r="3.5"><title>${`${p.at}: ${percent(p.rate)}${p.signIns !== undefined ? ` of ${p.signIns} sign-ins` : ''}`}</title></circle>`,
)}
<text class="tick" x="${PAD.left}" y="${HEIGHT - 6}">${`${points.length} check${points.length === 1 ? '' : 's'}`}</text>
</svg>
<figcaption>ring ${ring}: last ${percent(last.rate)} against the bound ${percent(last.bound)}</figcaption>
</figure>`;
}
