// The bench's chart, written by hand as SVG (no chart library): drain rate of mcpq,
// task-spooler and nq as bars (median, min–max whiskers), and the distribution of
// pickup latency as cumulative curves on a log scale.
const COLORS = { mcpq: '#2563eb', tsp: '#d97706', nq: '#059669' };
const LABELS = { mcpq: 'mcpq', tsp: 'task-spooler', nq: 'nq' };
const WIDTH = 960;
const HEIGHT = 420;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

const esc = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (x) => Number(x.toFixed(1));

function text(x, y, content, attrs = '') {
  return `<text x="${num(x)}" y="${num(y)}" ${attrs}>${esc(content)}</text>`;
}

// A round axis maximum at or above `value`: 1, 2 or 5 times a power of ten.
function niceCeil(value) {
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= value);
}

function title(x, y, heading, detail) {
  return [text(x, y - 34, heading, 'font-size="14" font-weight="600"'), text(x, y - 16, detail, 'font-size="11" fill="#6b7280"')];
}

function drainPanel(drain, x0, y0, w, h) {
  const groups = [
    { title: `1 at a time`, bars: ['mcpq', 'tsp', 'nq'].filter((t) => drain.c1[t]).map((t) => ({ tool: t, s: drain.c1[t].rate })) },
    { title: `4 at a time (nq: 1 only)`, bars: ['mcpq', 'tsp'].filter((t) => drain.c4[t]).map((t) => ({ tool: t, s: drain.c4[t].rate })) },
  ];
  const top = niceCeil(Math.max(...groups.flatMap((g) => g.bars.map((b) => b.s.max))) * 1.1);
  const yOf = (v) => y0 + h - (v / top) * h;
  const out = title(x0, y0, 'Drain rate, jobs/s (higher is better)', `${drain.n} × true already queued; median, whiskers min–max over ${drain.c1.mcpq.runs.length} runs`);
  for (let i = 0; i <= 4; i += 1) {
    const v = (top / 4) * i;
    out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${num(yOf(v))}" y2="${num(yOf(v))}" stroke="#e5e7eb"/>`, text(x0 - 6, yOf(v) + 4, Math.round(v), 'font-size="11" text-anchor="end" fill="#6b7280"'));
  }
  const groupW = w / groups.length;
  groups.forEach((group, g) => {
    const barW = Math.min(56, (groupW - 40) / 3);
    const start = x0 + g * groupW + (groupW - barW * group.bars.length - 8 * (group.bars.length - 1)) / 2;
    group.bars.forEach(({ tool, s }, b) => {
      const x = start + b * (barW + 8);
      const cx = x + barW / 2;
      out.push(
        `<rect x="${num(x)}" y="${num(yOf(s.median))}" width="${num(barW)}" height="${num(y0 + h - yOf(s.median))}" fill="${COLORS[tool]}" rx="2"/>`,
        `<path d="M${num(cx)} ${num(yOf(s.min))}V${num(yOf(s.max))}M${num(cx - 6)} ${num(yOf(s.min))}h12M${num(cx - 6)} ${num(yOf(s.max))}h12" stroke="#111827" stroke-width="1.2"/>`,
        text(cx, yOf(s.max) - 6, Math.round(s.median), 'font-size="12" text-anchor="middle" font-weight="600"'),
      );
    });
    out.push(text(x0 + g * groupW + groupW / 2, y0 + h + 18, group.title, 'font-size="12" text-anchor="middle" fill="#374151"'));
  });
  out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${y0 + h}" y2="${y0 + h}" stroke="#9ca3af"/>`);
  return out;
}

function pickupPanel(pickup, x0, y0, w, h) {
  const tools = ['mcpq', 'tsp', 'nq'].filter((t) => pickup[t]?.samples?.length > 0);
  const all = tools.flatMap((t) => pickup[t].samples).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all)));
  const hi = niceCeil(Math.max(...all));
  const xOf = (v) => x0 + ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * w;
  const yOf = (f) => y0 + h - f * h;
  const out = title(x0, y0, 'Pickup latency, ms (further left is better)', `${pickup.count} jobs one by one: handed over → first instruction; share of jobs started`);
  for (let f = 0; f <= 1.0001; f += 0.25) {
    out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${num(yOf(f))}" y2="${num(yOf(f))}" stroke="#e5e7eb"/>`, text(x0 - 6, yOf(f) + 4, `${Math.round(f * 100)}%`, 'font-size="11" text-anchor="end" fill="#6b7280"'));
  }
  for (let decade = lo; decade <= hi; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = decade * m;
      if (v < lo || v > hi) continue;
      out.push(`<line x1="${num(xOf(v))}" x2="${num(xOf(v))}" y1="${y0}" y2="${y0 + h}" stroke="#f3f4f6"/>`, text(xOf(v), y0 + h + 16, v >= 1 ? v : v.toFixed(1), 'font-size="11" text-anchor="middle" fill="#6b7280"'));
    }
  }
  const curves = [];
  tools.forEach((tool) => {
    const sorted = [...pickup[tool].samples].sort((a, b) => a - b);
    let d = `M${num(xOf(sorted[0]))} ${num(yOf(0))}`;
    sorted.forEach((v, k) => {
      d += `H${num(xOf(v))}V${num(yOf((k + 1) / sorted.length))}`;
    });
    curves.push(`<path d="${d}" fill="none" stroke="${COLORS[tool]}" stroke-width="2"/>`);
  });
  // p50/p99 under the axis, one coloured phrase per tool, so no label hides a curve.
  const phrases = tools.map((tool) => `<tspan fill="${COLORS[tool]}" font-weight="600">${esc(LABELS[tool])} ${pickup[tool].p50.toFixed(1)}/${pickup[tool].p99.toFixed(1)}</tspan>`);
  const labels = [`<text x="${x0}" y="${y0 + h + 46}" font-size="11">p50/p99 ms: ${phrases.join(' · ')}</text>`];
  out.push(...curves, ...labels);
  out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${y0 + h}" y2="${y0 + h}" stroke="#9ca3af"/>`, text(x0 + w, y0 + h + 30, 'ms (log scale)', 'font-size="11" text-anchor="end" fill="#6b7280"'));
  return out;
}

export function chartSvg({ drain, pickup, meta }) {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT}>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    ...drainPanel(drain, 60, 70, 360, 240),
    ...pickupPanel(pickup, 540, 70, 390, 240),
  ];
  const legend = ['mcpq', 'tsp', 'nq'].map((tool, i) => `<rect x="${60 + i * 130}" y="${HEIGHT - 40}" width="12" height="12" fill="${COLORS[tool]}"/>${text(78 + i * 130, HEIGHT - 30, LABELS[tool], 'font-size="12"')}`);
  const m = meta.machine;
  parts.push(...legend, text(WIDTH - 20, HEIGHT - 30, `${m.nproc} × ${m.cpu}, Node ${m.node}, load ${meta.load.start}→${meta.load.end}, ${meta.date.slice(0, 10)}, mcpq ${m.commit}${m.dirty ? '+' : ''}`, 'font-size="11" text-anchor="end" fill="#6b7280"'), '</svg>\n');
  return parts.join('\n');
}
