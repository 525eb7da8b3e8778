import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { getJobLogs } from '../../api/endpoints';
import { ErrorBox } from '../../components/Status';
import { formatBytes } from '../../lib/format';
import { DEFAULT_LOG_CAP, LogBuffer } from '../../lib/jobs';

const POLL_MS = 1000;
const RETRY_MS = 3000;
const PAGE = 1000; // the server's default page of chunks: a full page means more is waiting
const NEAR_END_PX = 24;

/**
 * Follows a job's log: asks for the chunks after the last seq every second until the server says
 * `done`, keeps the last 2 MiB of text (saying when older output was dropped), strips ANSI codes,
 * and stays scrolled to the end unless the reader has scrolled up.
 */
export function LogView({ jobId, onDone }: { jobId: string; onDone?: () => void }) {
  const { t } = useTranslation();
  const bufferRef = useRef<LogBuffer>(new LogBuffer());
  const [, setVersion] = useState(0);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [follow, setFollow] = useState(true);
  const followRef = useRef(true);
  const preRef = useRef<HTMLPreElement>(null);
  const onDoneRef = useRef(onDone);
  onDoneRef.current = onDone;

  useEffect(() => {
    const buffer = new LogBuffer();
    bufferRef.current = buffer;
    setVersion((v) => v + 1);
    setDone(false);
    setError(null);
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const r = await getJobLogs(jobId, buffer.lastSeq, abort.signal);
        if (abort.signal.aborted) return;
        setError(null);
        if (buffer.append(r.chunks)) setVersion((v) => v + 1);
        if (r.done) {
          buffer.flush();
          setVersion((v) => v + 1);
          setDone(true);
          onDoneRef.current?.();
          return;
        }
        timer = setTimeout(poll, r.chunks.length >= PAGE ? 0 : POLL_MS);
      } catch (e) {
        if (abort.signal.aborted) return;
        setError(e);
        timer = setTimeout(poll, RETRY_MS);
      }
    };
    void poll();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [jobId]);

  const buffer = bufferRef.current;
  const text = buffer.text;
  useLayoutEffect(() => {
    const el = preRef.current;
    if (el && followRef.current) el.scrollTop = el.scrollHeight;
  }, [text]);

  const onScroll = () => {
    const el = preRef.current;
    if (!el) return;
    const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - NEAR_END_PX;
    followRef.current = atEnd;
    setFollow(atEnd);
  };
  const jumpToEnd = () => {
    const el = preRef.current;
    followRef.current = true;
    setFollow(true);
    if (el) el.scrollTop = el.scrollHeight;
  };

  return (
    <section className="log-section" data-testid="job-log-section">
      <div className="section-head">
        <h2>{t('jobs.log.title')}</h2>
        <span className="muted small" data-testid="log-status" data-done={done}>
          {done ? t('jobs.log.ended') : <><span className="live-dot" aria-hidden="true" /> {t('jobs.log.following')}</>}
        </span>
      </div>
      {buffer.dropped > 0 && (
        <p className="note-warn small" data-testid="log-dropped">
          {t('jobs.log.dropped', { size: formatBytes(buffer.dropped), cap: formatBytes(DEFAULT_LOG_CAP) })}
        </p>
      )}
      <ErrorBox error={error} />
      <div className="log-wrap">
        <pre className="log-view mono" ref={preRef} onScroll={onScroll} data-testid="job-log" tabIndex={0}>
          {text || <span className="muted">{done ? t('jobs.log.noOutput') : t('jobs.log.waiting')}</span>}
        </pre>
        {!follow && text && (
          <button type="button" className="btn small log-jump" onClick={jumpToEnd} data-testid="log-jump">
            {t('jobs.log.jumpToEnd')}
          </button>
        )}
      </div>
    </section>
  );
}
