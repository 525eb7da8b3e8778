// Both languages must carry the same keys, and every key the code asks for must exist.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from './en.json';
import ko from './ko.json';
import { ROLES } from '../pages/project/MembersTab';
import { DOMAINS, PROBLEM_TYPES } from '../pages/project/TasksTab';
import { DATA_DOMAINS, DATA_STATUSES } from '../components/DataStatusChip';
import { DATASET_TABS } from '../pages/dataset/tabs';
import { SPLIT_METHODS } from '../lib/versionSpec';
import { PROJECT_TABS } from '../pages/project/tabs';
import { CONNECTION_KINDS } from '../lib/sources';
import { DICTIONARY_CHANGES } from '../lib/dictionary';
import { ARGV_MODES, JOB_STATES } from '../lib/jobs';
import { PARAM_TYPES, PRUNERS, SAMPLERS } from '../lib/study';
import { FILE_ROLES, STAGES } from '../lib/registry';
import { COUNTDOWN_UNITS, FORM_PROBLEMS } from '../lib/servingStrategy';
import { DEPLOYMENT_ACTIONS } from '../api/servingTypes';
import { DEPLOYMENT_TABS } from '../pages/deployment/tabs';
import { LINEAGE_NODE_KINDS } from '../lib/versionLineage';
import { EVENT_ACTIONS, INBOX_FILTERS, REFUSAL_CODES, REQUEST_STATES } from '../lib/approvals';
import { ASSIGNMENT_STATES, EVENT_ACTIONS as LABEL_ACTIONS, TASK_TYPES } from '../lib/label';
import { LABELING_TABS } from '../pages/label/LabelingProjectPage';
import {
  COLUMN_KIND_FILTERS,
  COLUMN_TYPES,
  IMPORTANCE_METHODS,
  IMPUTE_NUMERIC,
  NUMERIC_STEPS,
  QUALITY_KINDS,
  STEP_KINDS,
  STRING_STEPS,
} from '../lib/analysis';

type Tree = { [k: string]: string | Tree };
const PLURAL = /_(zero|one|two|few|many|other)$/;
const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

/** Keys with plural suffixes folded together: Korean has only `_other`, English `_one` and `_other`. */
function baseKeys(m: Map<string, string>): Set<string> {
  return new Set([...m.keys()].map((k) => k.replace(PLURAL, '')));
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

const enFlat = flatten(en as Tree);
const koFlat = flatten(ko as Tree);
const enKeys = baseKeys(enFlat);
const koKeys = baseKeys(koFlat);

describe('i18n resources', () => {
  it('have the same keys in Korean and English', () => {
    expect([...enKeys].filter((k) => !koKeys.has(k)), 'keys missing in ko.json').toEqual([]);
    expect([...koKeys].filter((k) => !enKeys.has(k)), 'keys missing in en.json').toEqual([]);
  });

  it('have no empty strings', () => {
    for (const [k, v] of [...enFlat, ...koFlat]) expect(v.trim(), k).not.toBe('');
  });

  it('use the same interpolation variables in both languages', () => {
    const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
    for (const key of enKeys) {
      const e = enFlat.get(key) ?? enFlat.get(`${key}_other`) ?? '';
      const k = koFlat.get(key) ?? koFlat.get(`${key}_other`) ?? '';
      expect(vars(k), key).toEqual(vars(e));
    }
  });

  it('contain every key the source code uses', () => {
    const namespaces = new Set(Object.keys(en));
    const missing: string[] = [];
    let found = 0;
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      // t('a.b'), t("a.b") and any other literal 'ns.key' whose namespace is a resource namespace
      // (labels passed through variables, keys chosen by a ternary).
      const literals = [...text.matchAll(/['"]([A-Za-z][\w-]*(?:\.[\w-]+)+)['"]/g)].map((m) => m[1]);
      const calls = [...text.matchAll(/\bt\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);
      for (const key of new Set([...calls, ...literals.filter((k) => namespaces.has(k.split('.')[0]))])) {
        found++;
        if (!enKeys.has(key)) missing.push(`${file.slice(SRC.length + 1)}: ${key}`);
      }
    }
    expect(found).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });

  it('contain the keys built at run time from enumerations', () => {
    const dynamic = [
      ...ROLES.map((r) => `roles.${r}`),
      ...DOMAINS.map((d) => `domains.${d}`),
      ...PROBLEM_TYPES.map((p) => `problemTypes.${p}`),
      ...['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'].map((s) => `runStatus.${s}`),
      ...PROJECT_TABS.map((s) => `projectPage.tabs.${s}`),
      ...['development', 'staging', 'production'].map((k) => `serving.environments.${k}`),
      ...['weighted', 'sticky'].map((k) => `serving.strategies.${k}`),
      ...DEPLOYMENT_ACTIONS.map((k) => `serving.actions.${k}`),
      ...FORM_PROBLEMS.map((k) => `serving.problems.${k}`),
      ...DEPLOYMENT_TABS.map((k) => `serving.tabs.${k}`),
      ...COUNTDOWN_UNITS.map((k) => `serving.countdown.${k}`),
      ...['canary', 'switch'].flatMap((kind) => ['start', 'hint', 'submit'].map((k) => `serving.${kind}.${k}`)),
      ...['notNumber', 'negative', 'zeroTotal'].map((k) => `serving.weightProblems.${k}`),
      ...CONNECTION_KINDS.map((k) => `connections.kinds.${k}`),
      ...['connections.nameRequired', 'connections.targetRequired', 'connections.sqliteAbsolute'],
      ...['sqlRound.pickConnection', 'sqlRound.queryRequired', 'sqlRound.queryTooLong', 'sqlRound.nameMismatch', 'sqlRound.maxRowsInvalid'],
      ...DICTIONARY_CHANGES.map((k) => `dictionaries.${k}`),
      ...JOB_STATES.map((s) => `jobs.states.${s}`),
      ...ARGV_MODES.map((m) => `jobs.modes.${m}`),
      ...['unclosedSingle', 'unclosedDouble', 'trailingBackslash', 'envNoEquals', 'envNoName', 'envBlankInName', 'envDuplicate'].map((k) => `jobs.problems.${k}`),
      ...DATA_STATUSES.map((s) => `dataStatus.${s}`),
      ...DATA_DOMAINS.map((d) => `domains.${d}`),
      ...DATASET_TABS.map((s) => `dataset.tabs.${s}`),
      ...['dataset', 'round', 'version', 'run'].map((k) => `lineage.kinds.${k}`),
      ...SPLIT_METHODS.map((m) => `newVersion.methods.${m}`),
      ...['newVersion.pickRounds', 'newVersion.pickVersion', 'newVersion.operationsInvalid', 'newVersion.splitNeedsVersion', 'newVersion.ratiosInvalid', 'newVersion.foldsInvalid'],
      ...['step', 'time'].map((s) => `charts.${s}`),
      ...COLUMN_KIND_FILTERS.map((k) => `stats.kinds.${k}`),
      ...COLUMN_TYPES.map((k) => `stats.types.${k}`),
      ...IMPORTANCE_METHODS.map((k) => `stats.methods.${k}`),
      ...QUALITY_KINDS.map((k) => `quality.kinds.${k}`),
      ...STEP_KINDS.map((k) => `transforms.kinds.${k}`),
      ...[...NUMERIC_STEPS, ...STRING_STEPS].map((k) => `transforms.steps.${k}`),
      ...IMPUTE_NUMERIC.map((k) => `transforms.imputes.${k}`),
      ...['numeric', 'string'].map((k) => `transforms.types.${k}`),
      ...['buckets', 'top_k'].map((k) => `transforms.params.${k}`),
      ...['transforms.pickColumns', 'transforms.badImpute', 'transforms.badStep', 'transforms.badParam'],
      ...SAMPLERS.map((k) => `study.samplers.${k}`),
      ...PRUNERS.map((k) => `study.pruners.${k}`),
      ...PARAM_TYPES.map((k) => `study.types.${k}`),
      ...['running', 'stopped', 'completed', 'failed'].map((k) => `study.states.${k}`),
      ...['running', 'complete', 'pruned', 'failed'].map((k) => `study.trialStates.${k}`),
      ...['minimize', 'maximize'].map((k) => `study.goals.${k}`),
      ...STAGES.map((k) => `registry.stages.${k}`),
      ...FILE_ROLES.map((k) => `registry.roles.${k}`),
      ...LINEAGE_NODE_KINDS.map((k) => `registry.lineageGraph.kinds.${k}`),
      'registry.import.needFile',
      ...REQUEST_STATES.map((k) => `approvals.states.${k}`),
      ...INBOX_FILTERS.map((k) => `approvals.filters.${k}`),
      ...INBOX_FILTERS.map((k) => `approvals.empty.${k}`),
      ...EVENT_ACTIONS.map((k) => `approvals.events.${k}`),
      ...REFUSAL_CODES.map((k) => `approvals.refusals.${k}`),
      ...REQUEST_STATES.filter((k) => k !== 'pending').map((k) => `approvals.decided.${k}`),
      ...ASSIGNMENT_STATES.map((k) => `labeling.states.${k}`),
      ...LABEL_ACTIONS.map((k) => `labeling.actions.${k}`),
      ...TASK_TYPES.map((k) => `labeling.taskTypes.${k}`),
      ...LABELING_TABS.map((k) => `labeling.tabs.${k}`),
      ...['box', 'polygon', 'select', 'pan'].map((k) => `labeling.tools.${k}`),
      ...['saved', 'saving', 'unsaved', 'failed'].map((k) => `labeling.saveStates.${k}`),
      ...['approvals.reasonRequired', 'approvals.tooLong', 'approvals.rejectNeedsComment', 'approvals.commentRequired', 'approvals.settings.range'],
    ];
    for (const key of dynamic) {
      expect(enKeys.has(key), `en: ${key}`).toBe(true);
      expect(koKeys.has(key), `ko: ${key}`).toBe(true);
    }
  });
});
