// Tries a deployment over the KServe v2 protocol: one field per input of GET /v2/models/{name}
// (per feature for a [n, k] input; numbers for numeric types, text for BYTES), Send posts one row
// to …/infer and shows the outputs, the variant that answered (X-Moebius-Variant) and the request's
// id (X-Moebius-Request-Id, which feedback names), or the server's {"error"}.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getV2Model, inferV2 } from '../../api/endpoints';
import type { V2Tensor } from '../../api/types';
import { ErrorBox, Loading } from '../../components/Status';
import { inferInputs, testerFields } from '../../lib/serving';

export function InferenceTester({ deployment }: { deployment: string }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const meta = useQuery({ queryKey: ['v2-model', deployment], queryFn: () => getV2Model(deployment) });
  const [values, setValues] = useState<Record<string, string>>({});
  const [invalid, setInvalid] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: (inputs: V2Tensor[]) => inferV2(deployment, inputs),
    // The counters on the page move with each call.
    onSettled: () => qc.invalidateQueries({ queryKey: ['deployment', deployment] }),
  });
  const inputs = meta.data?.inputs ?? [];
  const fields = testerFields(inputs);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const built = inferInputs(inputs, values);
    if ('invalid' in built) {
      setInvalid(built.invalid);
      return;
    }
    setInvalid(null);
    send.mutate(built.inputs);
  };
  return (
    <section className="card" data-testid="inference-tester">
      <h2>{t('serving.tester')}</h2>
      <p className="muted small">{t('serving.testerHint')}</p>
      {meta.isPending && <Loading />}
      <ErrorBox error={meta.error} />
      {meta.data && (
        <form className="form" onSubmit={submit}>
          <div className="muted small mono">
            {meta.data.platform} · {t('serving.outputsAre', { names: meta.data.outputs.map((o) => o.name).join(', ') })}
          </div>
          <div className="filter-bar">
            {fields.map((f) => (
              <label key={f.key} className="field">
                <span className="mono">
                  {f.key} <span className="muted small">{f.datatype}</span>
                </span>
                <input
                  name={`infer-${f.key}`}
                  className={invalid === f.key ? 'mono invalid' : 'mono'}
                  type={f.kind === 'number' ? 'number' : 'text'}
                  step="any"
                  value={values[f.key] ?? ''}
                  onChange={(e) => {
                    setValues({ ...values, [f.key]: e.target.value });
                    setInvalid(null);
                  }}
                />
              </label>
            ))}
          </div>
          {invalid && (
            <div className="error-box" role="alert" data-testid="infer-invalid">
              {t('serving.notANumber', { field: invalid })}
            </div>
          )}
          <div className="form-actions">
            <button type="submit" className="btn primary" disabled={send.isPending}>
              {t('serving.send')}
            </button>
          </div>
          <div data-testid="infer-error">
            <ErrorBox error={send.error} />
          </div>
          {send.data && (
            <div data-testid="infer-result">
              <p>
                {t('serving.answeredBy')} <strong className="mono" data-testid="infer-variant">{send.data.variant || '—'}</strong>
                {send.data.requestId && (
                  <>
                    {' '}
                    · {t('serving.captures.requestId')} <span className="mono" data-testid="infer-request-id">{send.data.requestId}</span>
                  </>
                )}
              </p>
              <table className="table compact">
                <thead>
                  <tr>
                    <th>{t('serving.output')}</th>
                    <th>{t('serving.datatype')}</th>
                    <th>{t('serving.shape')}</th>
                    <th>{t('serving.data')}</th>
                  </tr>
                </thead>
                <tbody>
                  {send.data.response.outputs.map((o) => (
                    <tr key={o.name} data-output={o.name}>
                      <td className="mono">{o.name}</td>
                      <td className="mono">{o.datatype}</td>
                      <td className="mono">[{o.shape.join(', ')}]</td>
                      <td className="mono break" data-stat="data">
                        {o.data.map((x) => String(x)).join(', ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </form>
      )}
    </section>
  );
}
