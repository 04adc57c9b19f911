import { stamp } from '../../rollout/desk/describe';
import { percent, timeLeft, type Glance, type HealthPoint, type RingState } from '../../dashboard/glance';

/** `get` as text: the rollout as a tree, the way `kubectl argo rollouts get` draws one. Pure. */

const MARK: Record<RingState, string> = { done: '✔', live: '●', waiting: '○', 'rolled-back': '↺', 'not-reached': '·' };
const SPARKS = '▁▂▃▄▅▆▇█';
const BAR_WIDTH = 24;

export function renderGlance(g: Glance): string[] {
  const lines: string[] = [];
  lines.push(`Rollout ${g.id}  ${g.feature}  ${g.status}`);
  lines.push(`├─ ${g.message}`);
  lines.push(`├─ started by ${g.startedBy}${g.startedAt ? `, ${stamp(g.startedAt)}` : ''}`);
  lines.push('├─ Rings');
  const width = Math.max(4, ...g.rings.map((r) => r.name.length));
  g.rings.forEach((ring, index) => {
    const branch = index === g.rings.length - 1 ? '└─' : '├─';
    const gate = ring.approval ? '  approval' : '';
    const soak = ring.soak ? `  soak ${ring.soak}` : '';
    let line = `│  ${branch} ${MARK[ring.state]} ${ring.name.padEnd(width)}  ${ring.state.padEnd(11)}${soak}${gate}`;
    if (g.soak && g.soak.ring === ring.name) line += `  ${bar(g.soak.progress)} ${Math.floor(g.soak.progress * 100)}%  ${timeLeft(g.soak.remainingSeconds)} left`;
    lines.push(line.trimEnd());
  });
  if (g.rings.length === 0) lines.push('│  └─ (no ring enabled yet)');
  if (g.health) {
    const h = g.health;
    const bound = h.bound !== null ? `, bound ${percent(h.bound)}` : '';
    lines.push(`├─ Health  ring ${h.ring}: ${h.verdict.toUpperCase()}  ${h.failures} of ${h.signIns} Authenticator pushes failed (${percent(h.failureRate)}${bound}), checked ${stamp(h.checkedAt)}`);
    g.trend.forEach((series, index) => {
      const branch = index === g.trend.length - 1 ? '└─' : '├─';
      lines.push(`│  ${branch} ${series.ring.padEnd(width)}  ${sparkline(series.points)}  ${trendSummary(series.points)}`);
    });
  }
  if (g.approval) {
    const a = g.approval;
    lines.push(`├─ Approval needed for ring ${a.ring}: deadline ${stamp(a.deadline)} UTC (${timeLeft(a.remainingSeconds)} left)`);
    lines.push(`│  ├─ ${a.approve}`);
    lines.push(`│  └─ ${a.reject}`);
  }
  lines.push('└─ Last transitions');
  for (const t of g.transitions) {
    const who = t.actor && !t.message.includes(t.actor) ? `  [${t.actor}]` : '';
    lines.push(`   ${stamp(t.at)}  ${t.status.padEnd(16)} ${t.message}${who}`);
  }
  return lines;
}

function bar(progress: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, progress)) * BAR_WIDTH);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
}

/** One character per check, scaled so that the bound sits at three quarters of the height: a breach reads as a peak. */
export function sparkline(points: HealthPoint[]): string {
  return points
    .map((p) => {
      const top = Math.max(p.bound / 0.75, ...points.map((q) => q.rate), Number.EPSILON);
      const index = Math.min(SPARKS.length - 1, Math.floor((p.rate / top) * SPARKS.length));
      return SPARKS[index] ?? '▁';
    })
    .join('');
}

function trendSummary(points: HealthPoint[]): string {
  const last = points.at(-1);
  if (!last) return '';
  const over = points.filter((p) => p.rate > p.bound && p.judged !== false).length;
  return `${points.length} check${points.length === 1 ? '' : 's'}, last ${percent(last.rate)} vs bound ${percent(last.bound)}${over > 0 ? `, ${over} over the bound` : ''}`;
}

/** `list` as a table, newest first. */
export function renderList(rollouts: Glance[]): string[] {
  if (rollouts.length === 0) return ['No active or recent rollouts.'];
  const rows = rollouts.map((g) => [g.id, g.feature, g.status, g.rings.find((r) => r.state === 'live')?.name ?? '-', g.updatedAt ? stamp(g.updatedAt) : '-', g.message]);
  const header = ['ID', 'FEATURE', 'STATUS', 'RING', 'UPDATED', 'MESSAGE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), ...rows.map(line)];
}
