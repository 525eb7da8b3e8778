// The image annotation canvas: the item drawn in an SVG with zoom (wheel, buttons) and pan (the
// pan tool, or the middle button), boxes drawn by dragging, polygons by clicking their vertices
// (Enter or a click on the first vertex closes one), vertices moved by dragging them and removed
// with a double click; Delete removes the selected shape. Coordinates are the image's pixels.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Annotation, Box, LabelClass, PolygonShape } from '../../api/labelTypes';
import { boxFromDrag, nearestVertex } from '../../lib/label';

type Tool = 'box' | 'polygon' | 'select' | 'pan';
type Selection = { kind: 'box' | 'polygon'; index: number } | null;

const VIEW_W = 800;
const VIEW_H = 560;

export function ImageCanvas({
  src,
  annotation,
  classes,
  activeClass,
  readOnly,
  mode,
  onChange,
}: {
  src: string;
  annotation: Annotation;
  classes: LabelClass[];
  activeClass: string;
  readOnly: boolean;
  mode: 'object_detection' | 'segmentation';
  onChange: (a: Annotation) => void;
}) {
  const { t } = useTranslation();
  const svg = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const [tool, setTool] = useState<Tool>(mode === 'segmentation' ? 'polygon' : 'box');
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const [panFrom, setPanFrom] = useState<{ cx: number; cy: number; px: number; py: number } | null>(null);
  const [drawing, setDrawing] = useState<[number, number][]>([]);
  const [moving, setMoving] = useState<{ polygon: number; vertex: number } | null>(null);
  const [selected, setSelected] = useState<Selection>(null);

  const round = (p: [number, number]): [number, number] => [Math.round(p[0] * 100) / 100, Math.round(p[1] * 100) / 100];
  const boxes = annotation.boxes ?? [];
  const polygons = annotation.polygons ?? [];
  const colorOf = (cls: string) => classes.find((c) => c.name === cls)?.color || '#e8590c';

  // Fit the image in the view when it loads.
  useEffect(() => {
    const img = new Image();
    img.onload = () => {
      setSize({ w: img.naturalWidth, h: img.naturalHeight });
      const z = Math.min(VIEW_W / img.naturalWidth, VIEW_H / img.naturalHeight);
      setZoom(z);
      setPan({ x: (VIEW_W - img.naturalWidth * z) / 2, y: (VIEW_H - img.naturalHeight * z) / 2 });
    };
    img.src = src;
  }, [src]);

  const toImage = useCallback(
    (e: { clientX: number; clientY: number }) => {
      const r = svg.current!.getBoundingClientRect();
      return [(e.clientX - r.left - pan.x) / zoom, (e.clientY - r.top - pan.y) / zoom] as [number, number];
    },
    [pan, zoom],
  );

  const zoomBy = (factor: number, cx = VIEW_W / 2, cy = VIEW_H / 2) => {
    const z = Math.max(0.05, Math.min(400, zoom * factor));
    setPan({ x: cx - ((cx - pan.x) * z) / zoom, y: cy - ((cy - pan.y) * z) / zoom });
    setZoom(z);
  };

  const closePolygon = useCallback(() => {
    if (drawing.length >= 3) onChange({ ...annotation, polygons: [...polygons, { class: activeClass, points: drawing }] });
    setDrawing([]);
  }, [drawing, annotation, polygons, activeClass, onChange]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement)?.closest('input, textarea, select')) return;
      if (e.key === 'Enter' && drawing.length) closePolygon();
      else if (e.key === 'Escape') setDrawing([]);
      else if ((e.key === 'Delete' || e.key === 'Backspace') && selected && !readOnly) {
        if (selected.kind === 'box') onChange({ ...annotation, boxes: boxes.filter((_, i) => i !== selected.index) });
        else onChange({ ...annotation, polygons: polygons.filter((_, i) => i !== selected.index) });
        setSelected(null);
      } else if (e.key === '+' || e.key === '=') zoomBy(1.25);
      else if (e.key === '-') zoomBy(0.8);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const onDown = (e: React.MouseEvent) => {
    if (!size) return;
    if (tool === 'pan' || e.button === 1) {
      setPanFrom({ cx: e.clientX, cy: e.clientY, px: pan.x, py: pan.y });
      return;
    }
    if (readOnly) return;
    const [x, y] = toImage(e);
    if (tool === 'box') setDrag({ x0: x, y0: y, x1: x, y1: y });
    else if (tool === 'polygon') {
      if (drawing.length >= 3 && nearestVertex([drawing[0]], x, y, 8 / zoom) === 0) closePolygon();
      else setDrawing([...drawing, round([Math.max(0, Math.min(size.w, x)), Math.max(0, Math.min(size.h, y))])]);
    }
  };
  const onMove = (e: React.MouseEvent) => {
    if (panFrom) setPan({ x: panFrom.px + e.clientX - panFrom.cx, y: panFrom.py + e.clientY - panFrom.cy });
    else if (drag) {
      const [x, y] = toImage(e);
      setDrag({ ...drag, x1: x, y1: y });
    } else if (moving && size) {
      const [x, y] = toImage(e);
      const next = polygons.map((p, i) =>
        i !== moving.polygon
          ? p
          : { ...p, points: p.points.map((pt, k) => (k === moving.vertex ? round([Math.max(0, Math.min(size.w, x)), Math.max(0, Math.min(size.h, y))]) : pt)) },
      );
      onChange({ ...annotation, polygons: next });
    }
  };
  const onUp = () => {
    if (drag && size) {
      const b = boxFromDrag(drag.x0, drag.y0, drag.x1, drag.y1, size.w, size.h, activeClass);
      if (b) {
        onChange({ ...annotation, boxes: [...boxes, b] });
        setSelected({ kind: 'box', index: boxes.length });
      }
    }
    setDrag(null);
    setPanFrom(null);
    setMoving(null);
  };

  const removeVertex = (pi: number, vi: number) => {
    const p = polygons[pi];
    if (p.points.length <= 3) return;
    onChange({ ...annotation, polygons: polygons.map((q, i) => (i === pi ? { ...q, points: q.points.filter((_, k) => k !== vi) } : q)) });
  };
  const stroke = 2 / zoom;

  return (
    <div className="label-canvas">
      <div className="toolbar" role="toolbar">
        {!readOnly &&
          (mode === 'object_detection' ? (['box', 'select', 'pan'] as Tool[]) : (['polygon', 'select', 'pan'] as Tool[])).map((k) => (
            <button key={k} type="button" data-testid={`tool-${k}`} className={tool === k ? 'btn small primary' : 'btn small'} onClick={() => setTool(k)}>
              {t(`labeling.tools.${k}`)}
            </button>
          ))}
        <button type="button" className="btn small" data-testid="zoom-in" onClick={() => zoomBy(1.25)}>
          +
        </button>
        <button type="button" className="btn small" data-testid="zoom-out" onClick={() => zoomBy(0.8)}>
          −
        </button>
        <span className="muted small" data-testid="zoom-level">
          {Math.round(zoom * 100)}%
        </span>
        {drawing.length > 0 && (
          <button type="button" className="btn small" data-testid="close-polygon" onClick={closePolygon}>
            {t('labeling.closePolygon')}
          </button>
        )}
        {size && (
          <span className="muted small">
            {size.w}×{size.h}
          </span>
        )}
      </div>
      <svg
        ref={svg}
        data-testid="canvas"
        width={VIEW_W}
        height={VIEW_H}
        className="label-svg"
        onMouseDown={onDown}
        onMouseMove={onMove}
        onMouseUp={onUp}
        onMouseLeave={onUp}
        onWheel={(e) => {
          const r = svg.current!.getBoundingClientRect();
          zoomBy(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - r.left, e.clientY - r.top);
        }}
        style={{ cursor: tool === 'pan' ? 'grab' : 'crosshair', background: '#222' }}
      >
        <g transform={`translate(${pan.x} ${pan.y}) scale(${zoom})`}>
          {size && <image href={src} width={size.w} height={size.h} style={{ imageRendering: 'pixelated' }} />}
          {boxes.map((b: Box, i) => (
            <rect
              key={`b${i}`}
              data-testid={`shape-box-${i}`}
              data-class={b.class}
              x={b.x}
              y={b.y}
              width={b.w}
              height={b.h}
              fill={colorOf(b.class)}
              fillOpacity={selected?.kind === 'box' && selected.index === i ? 0.35 : 0.15}
              stroke={colorOf(b.class)}
              strokeWidth={stroke}
              onMouseDown={(e) => {
                if (tool === 'select') {
                  e.stopPropagation();
                  setSelected({ kind: 'box', index: i });
                }
              }}
            />
          ))}
          {polygons.map((p: PolygonShape, i) => (
            <g key={`p${i}`}>
              <polygon
                data-testid={`shape-polygon-${i}`}
                data-class={p.class}
                points={p.points.map((pt) => pt.join(',')).join(' ')}
                fill={colorOf(p.class)}
                fillOpacity={selected?.kind === 'polygon' && selected.index === i ? 0.35 : 0.15}
                stroke={colorOf(p.class)}
                strokeWidth={stroke}
                onMouseDown={(e) => {
                  if (tool === 'select') {
                    e.stopPropagation();
                    setSelected({ kind: 'polygon', index: i });
                  }
                }}
              />
              {tool === 'select' &&
                !readOnly &&
                p.points.map((pt, k) => (
                  <circle
                    key={k}
                    data-testid={`vertex-${i}-${k}`}
                    cx={pt[0]}
                    cy={pt[1]}
                    r={5 / zoom}
                    fill="#fff"
                    stroke="#000"
                    strokeWidth={1 / zoom}
                    onMouseDown={(e) => {
                      e.stopPropagation();
                      setSelected({ kind: 'polygon', index: i });
                      setMoving({ polygon: i, vertex: k });
                    }}
                    onDoubleClick={() => removeVertex(i, k)}
                  />
                ))}
            </g>
          ))}
          {drawing.length > 0 && (
            <polyline points={drawing.map((pt) => round(pt).join(',')).join(' ')} fill="none" stroke="#fff" strokeWidth={stroke} strokeDasharray={`${4 / zoom}`} />
          )}
          {drag && (
            <rect
              x={Math.min(drag.x0, drag.x1)}
              y={Math.min(drag.y0, drag.y1)}
              width={Math.abs(drag.x1 - drag.x0)}
              height={Math.abs(drag.y1 - drag.y0)}
              fill="none"
              stroke="#fff"
              strokeWidth={stroke}
            />
          )}
        </g>
      </svg>
      <ul className="shape-list small" data-testid="shape-list">
        {boxes.map((b, i) => (
          <li key={`lb${i}`}>
            <span className="swatch" style={{ background: colorOf(b.class) }} /> {b.class}: {t('labeling.boxAt', { x: b.x, y: b.y, w: b.w, h: b.h })}{' '}
            {!readOnly && (
              <button type="button" className="link-button" onClick={() => onChange({ ...annotation, boxes: boxes.filter((_, k) => k !== i) })}>
                {t('labeling.remove')}
              </button>
            )}
          </li>
        ))}
        {polygons.map((p, i) => (
          <li key={`lp${i}`}>
            <span className="swatch" style={{ background: colorOf(p.class) }} /> {p.class}: {t('labeling.polygonOf', { count: p.points.length })}{' '}
            {!readOnly && (
              <button type="button" className="link-button" onClick={() => onChange({ ...annotation, polygons: polygons.filter((_, k) => k !== i) })}>
                {t('labeling.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
