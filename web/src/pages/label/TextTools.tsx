// Text annotation: entity spans selected with the mouse over Korean or English text (offsets in
// code points, overlaps refused unless the schema allows them), the QA highlighter (a selection
// of the context is the answer, or "no answer"), class choice for classification, and the table
// row view for row classification.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Annotation, LabelClass, Span } from '../../api/labelTypes';
import { overlapsAny, parseCsv, segments, selectionToSpan, toUtf16 } from '../../lib/label';

/** The UTF-16 offset of a DOM point inside the segmented text container. */
function offsetIn(container: HTMLElement, text: string, node: Node, offset: number): number | null {
  const el = (node.nodeType === Node.TEXT_NODE ? node.parentElement : (node as Element))?.closest('[data-start]') as HTMLElement | null;
  if (!el || !container.contains(el)) return null;
  return toUtf16(text, Number(el.dataset.start)) + offset;
}

function useSelectionRange(text: string) {
  const box = useRef<HTMLDivElement>(null);
  const read = (): [number, number] | null => {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || !box.current) return null;
    const r = sel.getRangeAt(0);
    const a = offsetIn(box.current, text, r.startContainer, r.startOffset);
    const b = offsetIn(box.current, text, r.endContainer, r.endOffset);
    sel.removeAllRanges();
    return a === null || b === null ? null : [a, b];
  };
  return { box, read };
}

function Highlighted({ text, spans, colors, testid }: { text: string; spans: Span[]; colors: string[]; testid: string }) {
  return (
    <>
      {segments(text, spans).map((seg) => (
        <span
          key={seg.start}
          data-start={seg.start}
          data-testid={seg.covering.length ? `${testid}-mark` : undefined}
          style={seg.covering.length ? { background: colors[seg.covering[seg.covering.length - 1]] + '55', borderBottom: `2px solid ${colors[seg.covering[0]]}` } : undefined}
        >
          {seg.text}
        </span>
      ))}
    </>
  );
}

export function SpanTagger({
  text,
  annotation,
  classes,
  activeClass,
  allowOverlap,
  readOnly,
  onChange,
}: {
  text: string;
  annotation: Annotation;
  classes: LabelClass[];
  activeClass: string;
  allowOverlap: boolean;
  readOnly: boolean;
  onChange: (a: Annotation) => void;
}) {
  const { t } = useTranslation();
  const { box, read } = useSelectionRange(text);
  const [problem, setProblem] = useState('');
  const spans = annotation.spans ?? [];
  const colorOf = (cls: string) => classes.find((c) => c.name === cls)?.color || '#1c7ed6';
  const onMouseUp = () => {
    if (readOnly) return;
    const range = read();
    if (!range) return;
    const span = selectionToSpan(text, range[0], range[1], activeClass);
    if (!span) return;
    if (!allowOverlap && overlapsAny(spans, span)) {
      setProblem(t('labeling.overlapRefused'));
      return;
    }
    setProblem('');
    onChange({ ...annotation, spans: [...spans, span].sort((a, b) => a.start - b.start) });
  };
  return (
    <div>
      <div ref={box} className="label-text" data-testid="span-text" onMouseUp={onMouseUp}>
        <Highlighted text={text} spans={spans} colors={spans.map((s) => colorOf(s.class))} testid="span" />
      </div>
      {problem && <div className="error-box">{problem}</div>}
      <table className="table small" data-testid="span-list">
        <tbody>
          {spans.map((s, i) => (
            <tr key={`${s.start}-${s.end}-${s.class}`} data-span={`${s.class}:${s.start}-${s.end}`}>
              <td>
                <span className="swatch" style={{ background: colorOf(s.class) }} /> {s.class}
              </td>
              <td>{Array.from(text).slice(s.start, s.end).join('')}</td>
              <td className="mono">
                {s.start}–{s.end}
              </td>
              <td>
                {!readOnly && (
                  <button type="button" className="link-button" onClick={() => onChange({ ...annotation, spans: spans.filter((_, k) => k !== i) })}>
                    {t('labeling.remove')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function QaHighlighter({
  context,
  question,
  annotation,
  readOnly,
  onChange,
}: {
  context: string;
  question: string;
  annotation: Annotation;
  readOnly: boolean;
  onChange: (a: Annotation) => void;
}) {
  const { t } = useTranslation();
  const { box, read } = useSelectionRange(context);
  const answers = annotation.answers ?? [];
  const onMouseUp = () => {
    if (readOnly) return;
    const range = read();
    if (!range) return;
    const s = selectionToSpan(context, range[0], range[1], '');
    if (!s) return;
    onChange({ answers: [{ start: s.start, end: s.end, text: s.text }], impossible: false });
  };
  return (
    <div>
      <p data-testid="qa-question">
        <strong>{t('labeling.question')}:</strong> {question || t('labeling.noQuestion')}
      </p>
      <div ref={box} className="label-text" data-testid="qa-context" onMouseUp={onMouseUp}>
        <Highlighted text={context} spans={answers.map((a) => ({ ...a, class: '' }))} colors={answers.map(() => '#2f9e44')} testid="answer" />
      </div>
      <p data-testid="qa-answer">
        <strong>{t('labeling.answer')}:</strong>{' '}
        {annotation.impossible ? t('labeling.impossible') : answers.length ? Array.from(context).slice(answers[0].start, answers[0].end).join('') : '—'}
      </p>
      {!readOnly && (
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="qa-impossible"
            checked={!!annotation.impossible}
            onChange={(e) => onChange(e.target.checked ? { answers: [], impossible: true } : { answers: [], impossible: false })}
          />{' '}
          {t('labeling.impossible')}
        </label>
      )}
    </div>
  );
}

export function ClassPicker({
  classes,
  multi,
  annotation,
  readOnly,
  onChange,
}: {
  classes: LabelClass[];
  multi: boolean;
  annotation: Annotation;
  readOnly: boolean;
  onChange: (a: Annotation) => void;
}) {
  const chosen = annotation.classes ?? [];
  const toggle = (name: string) => {
    if (readOnly) return;
    if (multi) onChange({ classes: chosen.includes(name) ? chosen.filter((c) => c !== name) : [...chosen, name] });
    else onChange({ classes: [name] });
  };
  return (
    <div className="class-picker" data-testid="class-picker">
      {classes.map((c) => (
        <button
          key={c.name}
          type="button"
          data-class={c.name}
          aria-pressed={chosen.includes(c.name)}
          className={chosen.includes(c.name) ? 'btn primary' : 'btn'}
          onClick={() => toggle(c.name)}
          title={c.description}
        >
          <span className="swatch" style={{ background: c.color || '#868e96' }} /> {c.name}
          {c.hotkey && <kbd>{c.hotkey}</kbd>}
        </button>
      ))}
    </div>
  );
}

export function TableRows({
  csv,
  classes,
  annotation,
  readOnly,
  onChange,
}: {
  csv: string;
  classes: LabelClass[];
  annotation: Annotation;
  readOnly: boolean;
  onChange: (a: Annotation) => void;
}) {
  const { t } = useTranslation();
  const { header, rows } = parseCsv(csv);
  const labels = annotation.rows ?? [];
  const set = (i: number, value: string) => {
    const next = Array.from({ length: Math.max(labels.length, i + 1) }, (_, k) => labels[k] ?? null);
    next[i] = value || null;
    onChange({ rows: next });
  };
  return (
    <div className="table-scroll">
      <table className="table small" data-testid="row-table">
        <thead>
          <tr>
            <th>#</th>
            {header.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
            <th>{t('labeling.class')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td className="mono">{i}</td>
              {r.map((v, k) => (
                <td key={k}>{v}</td>
              ))}
              <td>
                <select value={labels[i] ?? ''} disabled={readOnly} data-testid={`row-class-${i}`} onChange={(e) => set(i, e.target.value)}>
                  <option value="">—</option>
                  {classes.map((c) => (
                    <option key={c.name} value={c.name}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
