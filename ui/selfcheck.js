// 政策体检 form, run inside a gr.HTML component (js_on_load): `element` is the component, `server` calls the
// Python functions selfcheck_form and selfcheck_run in-process. The form is built from the packs' field
// descriptions (GET /v1/selfcheck/form has the same data); every text is set with textContent, never as HTML.
const root = element.querySelector('.sc-root');
const pick = (sel, el = root) => el.querySelector(sel);
const STATUS = { eligible: '可申报', not_eligible: '不符合', needs_info: '待补充', no_amount: '未定金额' };
const HINTS = {
  money: '如 1200万、1.2亿 或 12000000',
  money_list: '如 800万；几笔用逗号分隔：200万，350万',
  percent: '如 3.1',
};

function make(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === 'text') el.textContent = value;
    else if (key === 'class') el.className = value;
    else if (key.startsWith('data-') || key.startsWith('aria-') || key === 'for' || key === 'role') el.setAttribute(key, value);
    else el[key] = value;
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

let counter = 0;
const uid = (name) => `sc-${name}-${++counter}`;

function choiceInput(options, value, withBlank) {
  const select = make('select');
  if (withBlank) select.append(make('option', { value: '', text: withBlank }));
  for (const opt of options) select.append(make('option', { value: String(opt), text: String(opt) }));
  select.value = value === null || value === undefined ? '' : String(value);
  return select;
}

function fieldInput(field) {
  const kind = field.kind;
  if (kind === 'bool') return make('input', { type: 'checkbox', checked: Boolean(field.default) });
  if (kind === 'tristate') {
    const select = make('select');
    for (const [label, value] of [['不确定', ''], ['是', 'true'], ['否', 'false']]) select.append(make('option', { value, text: label }));
    return select;
  }
  if (kind === 'choice') return choiceInput(field.choices || [], field.default, field.default == null ? '请选择' : '');
  if (kind === 'date') return make('input', { type: 'date' });
  if (kind === 'integer') return make('input', { type: 'number', step: '1', min: '0', inputMode: 'numeric' });
  if (kind === 'items') return itemsInput(field);
  const input = make('input', { type: 'text', placeholder: HINTS[kind] || '' });
  if (field.default !== null && field.default !== undefined && kind !== 'money') input.value = String(field.default);
  return input;
}

function fieldRow(field) {
  const input = fieldInput(field);
  const id = uid(field.name);
  input.id = id;
  input.dataset.field = field.name;
  input.dataset.kind = field.kind;
  input.dataset.default = JSON.stringify(field.default ?? null);
  // A checkbox always has a value; a label that already says 选填 is not told twice.
  const optional = !field.required && !field.fact && field.kind !== 'bool' && !field.label.includes('选填');
  const text = field.label + (field.required ? ' *' : optional ? '（选填）' : '');
  const label = make('label', { for: id, text, class: 'sc-label' });
  const row = make('div', { class: `sc-field sc-kind-${field.kind}` });
  if (field.kind === 'bool') row.append(input, label);
  else row.append(label, input);
  return row;
}

function itemsInput(field) {
  const box = make('div', { class: 'sc-subitems' });
  const list = make('div', { class: 'sc-sublist' });
  const add = make('button', { type: 'button', class: 'sc-small', text: '＋ 添加一条' });
  add.addEventListener('click', () => list.append(subItem(field)));
  box.append(list, add);
  return box;
}

function subItem(field) {
  const card = make('div', { class: 'sc-subitem' });
  for (const f of field.item_fields || []) card.append(fieldRow(f));
  const remove = make('button', { type: 'button', class: 'sc-small sc-remove', text: '删除这一条' });
  remove.addEventListener('click', () => card.remove());
  card.append(remove);
  return card;
}

function itemCard(measure, expenseField) {
  const card = make('div', { class: 'sc-item', 'data-tool': measure.tool });
  card.append(make('div', { class: 'sc-item-head', text: '' }));
  for (const field of measure.fields) card.append(fieldRow(field));
  card.append(fieldRow({ ...expenseField, name: 'expense' }));
  const remove = make('button', { type: 'button', class: 'sc-small sc-remove', text: '删除此项' });
  remove.addEventListener('click', () => { const list = card.parentNode; card.remove(); renumber(list); });
  card.append(remove);
  return card;
}

function renumber(list) {
  if (!list) return;
  const cards = list.querySelectorAll(':scope > .sc-item');
  cards.forEach((card, i) => { pick('.sc-item-head', card).textContent = `第 ${i + 1} 项`; });
  const button = list.parentNode.querySelector(':scope > .sc-add');
  if (button) button.textContent = cards.length ? '＋ 再加一项' : '＋ 填写';
}

function measureBlock(measure, expenseField) {
  const block = make('div', { class: 'sc-measure', 'data-key': measure.key });
  const head = make('div', { class: 'sc-measure-head' }, [
    make('span', { class: 'sc-measure-title', text: measure.title }),
    make('span', { class: 'sc-clause', text: measure.clause_label }),
  ]);
  block.append(head, make('div', { class: 'sc-quote', text: `条件：${measure.quote}` }));
  if (!measure.tool) {
    block.append(make('div', { class: 'sc-note', text: '政策未规定具体金额，无需填写；体检报告会列出这一项和责任单位。' }));
    return block;
  }
  const list = make('div', { class: 'sc-items' });
  const add = make('button', { type: 'button', class: 'sc-add', 'data-add': measure.tool, text: '＋ 填写' });
  add.addEventListener('click', () => { list.append(itemCard(measure, expenseField)); renumber(list); });
  block.append(list, add);
  return block;
}

function buildFacts(facts) {
  const box = pick('.sc-facts');
  for (const fact of facts) {
    let field = { name: fact.name, label: fact.label, kind: fact.kind, required: false, default: null, choices: fact.choices, fact: true };
    if (fact.kind === 'bool') field = { ...field, kind: 'tristate' };
    if (fact.kind === 'year') field = { ...field, kind: 'integer', default: new Date().getFullYear() };
    const row = fieldRow(field);
    const input = row.querySelector('[data-field]');
    input.name = `fact-${fact.name}`;
    if (fact.kind === 'year') input.value = String(new Date().getFullYear());
    box.append(row);
  }
}

function buildSections(spec) {
  const box = pick('.sc-sections');
  spec.sections.forEach((section, i) => {
    const details = make('details', { class: 'sc-section', open: i === 0 });
    const count = section.measures.filter((m) => m.tool).length;
    details.append(make('summary', { text: `${section.title}（${section.measures.length} 项措施，其中 ${count} 项可测算）` }));
    for (const measure of section.measures) details.append(measureBlock(measure, spec.expense_field));
    box.append(details);
  });
}

function valueOf(input) {
  const kind = input.dataset.kind;
  if (kind === 'bool') {
    const fallback = JSON.parse(input.dataset.default || 'null');
    return input.checked === Boolean(fallback) ? undefined : input.checked;
  }
  if (kind === 'tristate') return input.value === '' ? undefined : input.value === 'true';
  if (kind === 'items') return undefined;
  const text = String(input.value || '').trim();
  if (!text) return undefined;
  if (kind === 'integer') return /^\d+$/.test(text) ? Number(text) : text;
  return text;
}

function collectFields(card) {
  const out = {};
  for (const child of card.querySelectorAll(':scope > .sc-field')) {
    const input = child.querySelector('[data-field]');
    if (!input) continue;
    if (input.dataset.kind === 'items') {
      const rows = [...input.querySelectorAll(':scope .sc-subitem')].map(collectFields).filter((r) => Object.keys(r).length);
      if (rows.length) out[input.dataset.field] = rows;
      continue;
    }
    const value = valueOf(input);
    if (value !== undefined) out[input.dataset.field] = value;
  }
  return out;
}

function collect() {
  const facts = {};
  for (const input of root.querySelectorAll('.sc-facts [data-field]')) {
    const value = valueOf(input);
    if (value !== undefined) facts[input.dataset.field] = value;
  }
  const items = [];
  for (const card of root.querySelectorAll('.sc-item')) {
    const inputs = collectFields(card);
    const expense = inputs.expense;
    delete inputs.expense;
    items.push(expense ? { tool: card.dataset.tool, inputs, expense } : { tool: card.dataset.tool, inputs });
  }
  return { facts, items };
}

function showErrors(messages) {
  const box = pick('.sc-errors');
  box.replaceChildren(...messages.map((m) => make('li', { text: m })));
  box.hidden = messages.length === 0;
  if (messages.length) box.scrollIntoView({ block: 'center' });
}

function fitReport() {
  const frame = pick('#sc-report');
  const doc = frame.contentDocument;
  if (doc && doc.documentElement) frame.style.height = `${doc.documentElement.scrollHeight + 4}px`;
}

function showResult(result) {
  pick('#sc-total').textContent = result.total_text;
  pick('.sc-counts').textContent = Object.entries(STATUS).map(([k, label]) => `${label} ${result.counts[k] || 0} 项`).join(' · ');
  pick('.sc-result').hidden = false;
  const frame = pick('#sc-report');
  frame.onload = () => { fitReport(); setTimeout(fitReport, 200); };
  frame.srcdoc = result.html;
  const link = pick('#sc-download');
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([result.html], { type: 'text/html;charset=utf-8' }));
  pick('.sc-result').scrollIntoView({ block: 'start' });
}

async function run() {
  const button = pick('#sc-run');
  button.disabled = true;
  button.textContent = '体检中…';
  try {
    const result = await server.selfcheck_run(collect());
    if (!result || !result.ok) {
      showErrors((result && result.errors) || ['体检失败，请稍后再试。']);
      return;
    }
    showErrors([]);
    showResult(result);
  } catch (err) {
    showErrors(['请求未成功（内容过多或网络中断），请减少填写的项数或稍后再试。']);
  } finally {
    button.disabled = false;
    button.textContent = '开始体检';
  }
}

async function init() {
  let spec;
  try {
    spec = await server.selfcheck_form();
  } catch (err) {
    showErrors(['表单加载失败，请刷新页面重试。']);
    return;
  }
  buildFacts(spec.facts);
  buildSections(spec);
  pick('.sc-docs').textContent = spec.documents
    .map((d) => `${d.doc_number}《${d.title}》（${d.issued_date} 印发，${d.effective_date} 起施行）`)
    .join('；');
  pick('#sc-run').addEventListener('click', run);
  pick('#sc-print').addEventListener('click', () => {
    const win = pick('#sc-report').contentWindow;
    win.focus();
    win.print();
  });
  window.addEventListener('resize', fitReport);
  root.dataset.ready = 'true';
}

init();
