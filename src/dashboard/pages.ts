import { stamp } from '../rollout/desk/describe';
import { healthChart } from './chart';
import { glance, percent, timeLeft, type Glance, type RolloutView } from './glance';
import { html, Html } from './html';

/**
 * The dashboard's two pages, server-rendered: the list of active and recent rollouts, and one rollout. The only
 * script posts the control buttons to the existing API and reloads the page every few seconds.
 */

export interface PageContext {
  now: Date;
  /** Who the page is for, as the API would record them. */
  viewer: string;
  /** Nonce of the one inline script (Content-Security-Policy). */
  nonce: string;
  refreshSeconds: number;
  /** The path of the HTTP routes as the caller reached them (`/api`): links and posts do not depend on a trailing slash. */
  apiPath: string;
}

export function listPage(views: RolloutView[], ctx: PageContext): string {
  const rows = views.map((v) => glance(v, ctx.now));
  const body = html`<h1>Rollouts</h1>
${rows.length === 0 ? html`<p class="empty">No active or recent rollouts.</p>` : html`<table class="rollouts">
<thead><tr><th>Rollout</th><th>Feature</th><th>Status</th><th>Live ring</th><th>Updated</th><th>Message</th></tr></thead>
<tbody>${rows.map(
        (g) => html`<tr data-id="${g.id}"><td><a class="keep-query" href="${`${ctx.apiPath}/dashboard/${encodeURIComponent(g.id)}`}">${g.id}</a></td><td>${g.feature}</td><td><span class="status ${g.status}">${g.status}</span></td><td>${g.rings.find((r) => r.state === 'live')?.name ?? ''}</td><td>${g.updatedAt ? stamp(g.updatedAt) : ''}</td><td>${g.message}</td></tr>`,
      )}</tbody></table>`}`;
  return shell('Rollouts', body, ctx, null);
}

export function rolloutPage(view: RolloutView, actions: readonly string[], ctx: PageContext): string {
  const g = glance(view, ctx.now);
  const body = html`<p><a class="keep-query" href="${`${ctx.apiPath}/dashboard`}">&larr; all rollouts</a></p>
<h1>Rollout ${g.id} <span class="feature">${g.feature}</span> <span class="status ${g.status}">${g.status}</span></h1>
<p class="message">${g.message}</p>
<p class="meta">Started by ${g.startedBy}${g.startedAt ? ` on ${stamp(g.startedAt)} UTC` : ''}</p>
<ol class="rings">${g.rings.map(
    (r) => html`<li class="ring ${r.state}" data-ring="${r.name}"><strong>${r.name}</strong><span>${r.state}</span>${r.soak ? html`<small>soak ${r.soak}${r.approval ? ', approval' : ''}</small>` : ''}</li>`,
  )}</ol>
${soak(g)}
${approval(g)}
${actionBar(g, actions, ctx.apiPath)}
${health(g)}
<h2>Last transitions</h2>
<table class="transitions"><tbody>${[...g.transitions].reverse().map(
    (t) => html`<tr><td>${stamp(t.at)}</td><td><span class="status ${t.status}">${t.status}</span></td><td>${t.message}${t.actor && !t.message.includes(t.actor) ? html` <em>[${t.actor}]</em>` : ''}</td></tr>`,
  )}</tbody></table>`;
  return shell(`Rollout ${g.id}`, body, ctx, g);
}

function soak(g: Glance): Html {
  if (!g.soak) return html``;
  const pct = Math.floor(g.soak.progress * 100);
  return html`<section class="soak"><h2>Soak of ring ${g.soak.ring}</h2>
<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${pct}"><div style="width:${pct}%"></div></div>
<p>${pct}% soaked, ${timeLeft(g.soak.remainingSeconds)} left (until ${stamp(g.soak.endsAt)} UTC)</p></section>`;
}

function approval(g: Glance): Html {
  if (!g.approval) return html``;
  return html`<section class="approval"><h2>Approval pending</h2>
<p>Ring <strong>${g.approval.ring}</strong> waits for a decision until <strong>${stamp(g.approval.deadline)} UTC</strong> (${timeLeft(g.approval.remainingSeconds)} left).</p>
<p class="cli">From a terminal: <code>${g.approval.approve}</code></p></section>`;
}

function actionBar(g: Glance, actions: readonly string[], apiPath: string): Html {
  if (actions.length === 0) return html``;
  return html`<section class="actions" data-api="${apiPath}" data-id="${g.id}" data-ring="${g.approval?.ring ?? ''}">${actions.map((a) => html`<button type="button" class="action ${a}" data-action="${a}">${a}</button>`)}
<p class="result" role="status"></p></section>`;
}

function health(g: Glance): Html {
  if (!g.health) return html``;
  const h = g.health;
  return html`<section class="health"><h2>Health</h2>
<p class="verdict ${h.verdict === 'breached' ? 'breached' : ''}">Ring ${h.ring}: <strong>${h.verdict}</strong>, ${h.failures} of ${h.signIns} Authenticator pushes failed (${percent(h.failureRate)})${h.bound !== null ? `, bound ${percent(h.bound)}` : ''}; checked ${stamp(h.checkedAt)} UTC.</p>
${g.trend.map((t) => healthChart(t.ring, t.points))}</section>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem auto;max-width:60rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}h2{font-size:1.05rem;margin-top:1.4rem}.feature{font-weight:normal;color:#555}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e3e3;vertical-align:top}td:first-child,td:nth-child(2){white-space:nowrap}
.status{display:inline-block;padding:0 .4rem;border-radius:3px;background:#e8e8e8;font-size:.85rem}
.status.Running{background:#dbeafe}.status.AwaitingApproval{background:#fef3c7}.status.Paused{background:#fde2e2}
.status.Completed{background:#d1fae5}.status.RolledBack,.status.Failed{background:#fecaca}
.rings{display:flex;list-style:none;padding:0;gap:.4rem;flex-wrap:wrap}
.ring{flex:1;min-width:8rem;border:2px solid #ccc;border-radius:4px;padding:.4rem .6rem;display:flex;flex-direction:column}
.ring.done{border-color:#10b981;background:#ecfdf5}.ring.live{border-color:#2563eb;background:#eff6ff}
.ring.rolled-back{border-color:#dc2626;background:#fef2f2}.ring.waiting,.ring.not-reached{color:#777}
.bar{height:.8rem;background:#e5e7eb;border-radius:4px;overflow:hidden}.bar div{height:100%;background:#2563eb}
.approval{border-left:4px solid #f59e0b;padding-left:.8rem}
.actions button{margin-right:.5rem;padding:.35rem .9rem;font-size:.95rem;cursor:pointer}
.actions .approve{background:#10b981;color:#fff;border:0}.actions .reject,.actions .abort{background:#dc2626;color:#fff;border:0}
.chart svg{background:#fafafa;border:1px solid #e5e7eb}.axis{stroke:#999}line.bound{stroke:#dc2626;stroke-dasharray:4 3}text.bound{fill:#dc2626}
line.baseline{stroke:#6b7280;stroke-dasharray:2 3}text.baseline{fill:#6b7280}.rate{fill:none;stroke:#2563eb;stroke-width:2}
.point{fill:#2563eb}.point.breached{fill:#dc2626}.point.unjudged{fill:#9ca3af}text{font-size:10px}.tick{fill:#555}
.verdict.breached{color:#b91c1c}.viewer{color:#666;font-size:.85rem}
`;

/**
 * The buttons ask for a reason and a confirmation, then post to the control API beside this page. A function key in
 * the page's address (?code=) is passed on by the script at the time of the call; it is never written into the HTML.
 */
const SCRIPT = `
(function () {
  var busy = false, query = location.search;
  document.querySelectorAll('a.keep-query').forEach(function (a) { a.href = a.getAttribute('href') + query; });
  var bar = document.querySelector('section.actions');
  if (bar) bar.addEventListener('click', function (event) {
    var button = event.target.closest('button[data-action]');
    if (!button || busy) return;
    busy = true;
    var action = button.dataset.action, id = bar.dataset.id, ring = bar.dataset.ring, result = bar.querySelector('.result');
    var what = action + ' rollout ' + id + (ring && (action === 'approve' || action === 'reject') ? ' at ring ' + ring : '');
    var reason = prompt('Reason to ' + what + ' (recorded in the history):', '');
    if (reason === null || !confirm('Really ' + what + '?')) { busy = false; return; }
    var body = reason ? { reason: reason } : {};
    if (ring) body.ring = ring;
    fetch(bar.dataset.api + '/rollouts/' + encodeURIComponent(id) + '/' + action + query, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'same-origin'
    }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, status: r.status, json: j }; }); })
      .then(function (r) { result.textContent = (r.ok ? '' : r.status + ': ') + (r.json.message || ''); busy = false; setTimeout(function () { location.reload(); }, 800); })
      .catch(function (e) { result.textContent = 'failed: ' + e; busy = false; });
  });
  if (REFRESH_MS > 0) setInterval(function () { if (!busy) location.reload(); }, REFRESH_MS);
})();
`;

function shell(title: string, body: Html, ctx: PageContext, g: Glance | null): string {
  // A rollout that has ended does not change any more; the list always may.
  const refreshMs = g?.final ? 0 : Math.round(ctx.refreshSeconds * 1000);
  const script = SCRIPT.replace(/REFRESH_MS/g, String(refreshMs));
  const refreshNote = g?.final ? '' : ` This page refreshes every ${ctx.refreshSeconds} s.`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} - authenticator-rollout</title><style>${new Html(STYLE)}</style></head>
<body>${body}
<p class="viewer">Signed in as ${ctx.viewer}.${refreshNote}</p>
<script nonce="${ctx.nonce}">${new Html(script)}</script>
</body></html>`.text;
}
