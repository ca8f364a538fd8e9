import { describeOutcome, formatScenario, plural, renderLassoSwimlaneSvg, renderRaceTable, renderSwimlaneSvg } from '@kvmrace/core';
import type { ModelReport, Report } from './report-data.js';
import { verdictWords } from './liveness-report.js';

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1200px;color:#222;padding:0 16px}
h1{margin-bottom:4px} h2{border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:40px}
.ok{color:#2e7d32;font-weight:bold} .bad{color:#c62828;font-weight:bold} .finding{color:#b26a00;font-weight:bold}
table.summary,table.ablation,table.variants{border-collapse:collapse;margin:8px 0}
table.summary td,table.summary th,table.ablation td,table.ablation th,table.variants td,table.variants th{border:1px solid #ddd;padding:4px 8px;text-align:left;font-size:14px}
pre{background:#f6f8fa;padding:10px;overflow-x:auto;font-size:12px;line-height:1.35}
.swimlane{overflow-x:auto;border:1px solid #eee;margin:8px 0}
code{font-size:12px;word-break:break-all}
`;

function modelSection(m: ModelReport): string {
  const parts: string[] = [];
  parts.push(`<section class="model" id="model-${esc(m.name)}" data-model="${esc(m.name)}">`);
  // Titles often start with the model's name already ("pfncache: ..."): say it once.
  const heading = m.title.toLowerCase().startsWith(m.name.toLowerCase()) ? m.title : `${m.name}: ${m.title}`;
  parts.push(`<h2>${esc(heading)} <span class="${m.ok ? 'ok' : 'bad'}">${m.ok ? 'as expected' : 'NOT as expected'}</span></h2>`);
  parts.push(`<p>${esc(m.summary)}</p>`);
  if (m.race) {
    const cx = m.race;
    parts.push(`<h3>Buggy: the minimal race (${plural(cx.threads, 'thread')}, ${plural(cx.operations, 'operation')}, ${plural(cx.preemptions, 'preemption')}, ${plural(cx.steps, 'step')})</h3>`);
    parts.push(`<p>Found by ${esc(m.hunt.engine)} in ${m.hunt.runs} runs, ${m.hunt.ms} ms. Scenario ${esc(formatScenario(cx.scenario))}. <span class="bad">${esc(describeOutcome(cx.outcome))}</span></p>`);
    parts.push(`<div class="swimlane" data-variant="buggy">${renderSwimlaneSvg(m.name, 'buggy', cx)}</div>`);
    parts.push(`<details><summary>Race table</summary><pre>${esc(renderRaceTable(m.name, 'buggy', cx))}</pre></details>`);
    parts.push(`<p>Replay: <code>kvmrace replay ${esc(cx.token)}</code></p>`);
  } else if (m.role === 'liveness') {
    parts.push('<p>No race hunted: the bug is a livelock, shown by the liveness search below.</p>');
  } else {
    parts.push(`<p class="bad">No race found in the buggy variant (${m.hunt.runs} runs).</p>`);
  }
  const v = m.verify;
  parts.push(`<h3>Upstream: <span class="${v.verdict === 'holds' ? 'ok' : 'bad'}">${v.verdict}</span></h3>`);
  parts.push(`<p>${esc(v.method)}: ${v.executions} executions, ${v.ms} ms.</p>`);
  if (v.counterexample) parts.push(`<pre>${esc(renderRaceTable(m.name, 'upstream', v.counterexample))}</pre>`);
  for (const p of m.proposals) {
    parts.push(`<h3 class="proposal" data-proposal="${esc(p.name)}">Proposal ${esc(p.name)}: <span class="${p.verdict === 'holds' ? 'ok' : 'finding'}">${p.verdict}</span></h3>`);
    parts.push(`<p>${esc(p.summary)} Source: <code>${esc(p.source)}</code>. ${esc(p.method)}: ${p.executions} executions, ${p.ms} ms.</p>`);
    const cx = p.counterexample;
    if (cx) {
      parts.push(`<p>Finding: the smallest race (${plural(cx.threads, 'thread')}, ${plural(cx.operations, 'operation')}, ${plural(cx.preemptions, 'preemption')}, ${plural(cx.steps, 'step')}), scenario ${esc(formatScenario(cx.scenario))}. <span class="finding">${esc(describeOutcome(cx.outcome))}</span></p>`);
      parts.push(`<div class="swimlane" data-variant="${esc(p.name)}">${renderSwimlaneSvg(m.name, p.name, cx)}</div>`);
      parts.push(`<details><summary>Race table</summary><pre>${esc(renderRaceTable(m.name, p.name, cx))}</pre></details>`);
      parts.push(`<p>Replay: <code>kvmrace replay ${esc(cx.token)}</code></p>`);
    }
  }
  parts.push('<table class="variants"><tr><th>variant</th><th>fixes</th><th>expected</th><th>result</th><th>covered</th></tr>');
  for (const row of m.variants) {
    parts.push(`<tr data-variant="${esc(row.variant)}"><td>${esc(row.variant)}</td><td>${esc(row.fixes.join(', ') || 'none')}</td><td>${esc(row.expected)}</td><td class="${row.asExpected ? (row.result === 'races' ? 'finding' : 'ok') : 'bad'}">${esc(row.result)}</td><td>${esc(row.covered)}</td></tr>`);
  }
  parts.push('</table>');
  if (m.ablation && m.ablation.fixes.length) {
    const a = m.ablation;
    parts.push(`<h3>Ablation: which hunks are needed</h3><p>${esc(a.bound)}.</p>`);
    parts.push(`<table class="ablation"><tr>${a.fixes.map((f) => `<th>${esc(f)}</th>`).join('')}<th>verdict</th><th>what breaks</th></tr>`);
    for (const row of a.rows) {
      parts.push(`<tr>${a.fixes.map((f) => `<td>${row.fixes.includes(f) ? '✓' : ''}</td>`).join('')}<td class="${row.verdict === 'holds' ? 'ok' : 'bad'}">${row.verdict}</td><td>${esc(row.outcome ?? '')}</td></tr>`);
    }
    parts.push('</table>');
    parts.push(`<p>Necessary hunks: ${a.necessary.length ? a.necessary.map((f) => `<code>${esc(f)}</code>`).join(', ') : 'none alone'}.</p>`);
  }
  const mem = m.memory;
  if (mem) {
    parts.push(`<h3 class="memory">Under the Linux-kernel memory model</h3><p>${esc(mem.bound)}. Upstream with every barrier: <span class="${mem.upstream.verdict === 'holds' ? 'ok' : 'bad'}">${mem.upstream.verdict}</span> (${mem.upstream.executions} executions, ${mem.upstream.distinct} distinct graphs).${mem.buggy ? ` Buggy: ${plural(mem.buggy.race.threads, 'thread')}, ${plural(mem.buggy.race.preemptions, 'preemption')}, ${plural(mem.buggy.race.weak?.weakEdges ?? 0, 'weak edge')}${mem.buggy.scAlso ? '' : ', a race that needs weak memory'}.` : ''}</p>`);
    parts.push('<table class="ablation barriers"><tr><th>barrier</th><th>pairs with</th><th>lkmm</th><th>tso (x86)</th><th>race without it</th></tr>');
    for (const b of mem.barriers) {
      parts.push(`<tr data-barrier="${esc(b.barrier)}"><td><code>${esc(b.barrier)}</code></td><td>${esc(b.pairsWith.join(', ') || '-')}</td><td class="${b.lkmm === 'needed' ? 'finding' : 'ok'}">${b.lkmm}</td><td>${b.tso}</td><td>${b.race ? esc(`${plural(b.race.steps, 'step')}, ${plural(b.race.weak?.weakEdges ?? 0, 'weak edge')}: ${describeOutcome(b.race.outcome)}`) : 'none within the bound'}</td></tr>`);
    }
    parts.push('</table>');
    for (const p of mem.pairs) parts.push(`<p>Paired barriers <code>${esc(p.barriers.join(' + '))}</code>, both off: ${p.lkmm}.</p>`);
    for (const b of mem.barriers) {
      if (!b.race) continue;
      parts.push(`<details><summary>Without <code>${esc(b.barrier)}</code></summary><div class="swimlane" data-barrier="${esc(b.barrier)}">${renderSwimlaneSvg(m.name, `without ${b.barrier}`, b.race)}</div><pre>${esc(renderRaceTable(m.name, `without ${b.barrier}`, b.race))}</pre><p>Replay: <code>kvmrace replay ${esc(b.race.token)}</code></p></details>`);
    }
  }
  if (m.liveness?.length) {
    parts.push('<h3 class="liveness">Liveness under strong fairness</h3><table class="variants liveness"><tr><th>variant</th><th>scenario</th><th>result</th><th>states</th></tr>');
    for (const r of m.liveness) parts.push(`<tr data-variant="${esc(r.variant)}"><td>${esc(r.variant)}</td><td>${esc(r.scenario)}</td><td class="${r.asExpected ? 'ok' : 'bad'}">${esc(verdictWords(r))}</td><td>${r.states}</td></tr>`);
    parts.push('</table>');
    for (const r of m.liveness) if (r.lasso) parts.push(`<div class="swimlane" data-lasso="${esc(r.variant)}">${renderLassoSwimlaneSvg(m.name, r.variant, r.lasso)}</div>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** The summary's buggy cell: the minimal race's shape, or a liveness model's lasso. */
function buggyCell(m: ModelReport): string {
  if (m.race) return `${plural(m.race.threads, 'thread')}, ${plural(m.race.operations, 'op')}, ${plural(m.race.preemptions, 'preemption')}`;
  const lasso = m.role === 'liveness' ? m.liveness?.find((r) => r.variant === 'buggy') : undefined;
  if (lasso) return `<span class="${lasso.asExpected ? 'ok' : 'bad'}">${esc(verdictWords(lasso))}</span>`;
  return '<span class="bad">none</span>';
}

/** The report as one self-contained HTML page: inline CSS and SVG, no scripts, nothing fetched. */
export function renderHtmlReport(report: Report): string {
  const rows = report.models
    .map((m) => `<tr><td><a href="#model-${esc(m.name)}">${esc(m.name)}</a></td><td>${buggyCell(m)}</td><td class="${m.verify.verdict === 'holds' ? 'ok' : 'bad'}">${m.verify.verdict}</td><td class="${m.memory ? (m.memory.upstream.verdict === 'holds' ? 'ok' : 'bad') : ''}">${m.memory ? `${m.memory.upstream.verdict}; ${m.memory.barriers.filter((b) => b.lkmm === 'needed').length}/${m.memory.barriers.length} barriers needed` : 'not checked (no barrier toggles)'}</td><td class="${m.ok ? 'ok' : 'bad'}">${m.ok ? 'yes' : 'no'}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kvmrace report</title><style>${STYLE}</style></head>
<body>
<h1>kvmrace report</h1>
<p>Seed ${report.seed}. <span class="${report.ok ? 'ok' : 'bad'}">${report.ok ? `Every buggy variant ${report.models.some((m) => m.role === 'liveness') ? 'raced or livelocked' : 'raced'} and every upstream variant held.` : 'Some model did not behave as expected.'}</span></p>
<table class="summary"><tr><th>model</th><th>buggy: minimal race (or lasso)</th><th>upstream</th><th>upstream under lkmm</th><th>as expected</th></tr>
${rows}
</table>
${report.models.map(modelSection).join('\n')}
</body></html>
`;
}
