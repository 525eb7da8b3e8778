import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { AuthProvider, RequireAuth } from './components/auth';
import { Layout } from './components/Layout';
import { Loading } from './components/Status';
import { LoginPage } from './pages/login/LoginPage';
import { ProjectsPage } from './pages/projects/ProjectsPage';
import { ProjectPage } from './pages/project/ProjectPage';
import { ExperimentPage } from './pages/experiment/ExperimentPage';
import { DatasetSearchPage } from './pages/datasets/DatasetSearchPage';
import { NotFoundPage } from './pages/notfound/NotFoundPage';

// The run and compare pages carry the charts; loading them (and ECharts) on demand keeps the
// first page light.
const RunPage = lazy(() => import('./pages/run/RunPage'));
const ComparePage = lazy(() => import('./pages/compare/ComparePage'));
// Data management pages (charts, lineage graph) are loaded on demand too.
const DatasetPage = lazy(() => import('./pages/dataset/DatasetPage'));
const DiffPage = lazy(() => import('./pages/datasetdiff/DiffPage'));
const VersionPage = lazy(() => import('./pages/dataversion/VersionPage'));
const JobPage = lazy(() => import('./pages/job/JobPage'));
const StudyPage = lazy(() => import('./pages/study/StudyPage'));
const PipelineRunPage = lazy(() => import('./pages/pipelinerun/PipelineRunPage'));
// The model registry (REG-1 to REG-3).
const ModelPage = lazy(() => import('./pages/model/ModelPage'));
const ModelVersionPage = lazy(() => import('./pages/model/ModelVersionPage'));
// Approval requests (REG-5): the inbox and one request with its evidence.
const ApprovalsPage = lazy(() => import('./pages/approvals/ApprovalsPage'));
const ApprovalPage = lazy(() => import('./pages/approvals/ApprovalPage'));
// Model serving: one deployment's traffic split, history, counters and an inference tester.
const DeploymentPage = lazy(() => import('./pages/deployment/DeploymentPage'));
// Labeling: a labeling project's progress, queues and agreement; the annotation tools.
const LabelingProjectPage = lazy(() => import('./pages/label/LabelingProjectPage'));
const AnnotatePage = lazy(() => import('./pages/label/AnnotatePage'));

export function App() {
  return (
    <AuthProvider>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireAuth>
              <Layout />
            </RequireAuth>
          }
        >
          <Route path="/" element={<Navigate to="/projects" replace />} />
          <Route path="/projects" element={<ProjectsPage />} />
          <Route path="/projects/:project" element={<ProjectPage />} />
          <Route path="/projects/:project/experiments/:experimentId" element={<ExperimentPage />} />
          <Route path="/datasets" element={<DatasetSearchPage />} />
          <Route
            path="/projects/:project/datasets/:dataset"
            element={
              <Suspense fallback={<Loading />}>
                <DatasetPage />
              </Suspense>
            }
          />
          <Route
            path="/projects/:project/datasets/:dataset/diff"
            element={
              <Suspense fallback={<Loading />}>
                <DiffPage />
              </Suspense>
            }
          />
          <Route
            path="/projects/:project/datasets/:dataset/versions/:version"
            element={
              <Suspense fallback={<Loading />}>
                <VersionPage />
              </Suspense>
            }
          />
          <Route
            path="/runs/:runId"
            element={
              <Suspense fallback={<Loading />}>
                <RunPage />
              </Suspense>
            }
          />
          <Route
            path="/studies/:studyId"
            element={
              <Suspense fallback={<Loading />}>
                <StudyPage />
              </Suspense>
            }
          />
          <Route
            path="/pipeline-runs/:runId"
            element={
              <Suspense fallback={<Loading />}>
                <PipelineRunPage />
              </Suspense>
            }
          />
          <Route
            path="/models/:model"
            element={
              <Suspense fallback={<Loading />}>
                <ModelPage />
              </Suspense>
            }
          />
          <Route
            path="/models/:model/versions/:version"
            element={
              <Suspense fallback={<Loading />}>
                <ModelVersionPage />
              </Suspense>
            }
          />
          <Route
            path="/approvals"
            element={
              <Suspense fallback={<Loading />}>
                <ApprovalsPage />
              </Suspense>
            }
          />
          <Route
            path="/approvals/:id"
            element={
              <Suspense fallback={<Loading />}>
                <ApprovalPage />
              </Suspense>
            }
          />
          <Route
            path="/deployments/:deployment"
            element={
              <Suspense fallback={<Loading />}>
                <DeploymentPage />
              </Suspense>
            }
          />
          <Route
            path="/projects/:project/labeling/:labeling"
            element={
              <Suspense fallback={<Loading />}>
                <LabelingProjectPage />
              </Suspense>
            }
          />
          <Route
            path="/projects/:project/labeling/:labeling/items/:item"
            element={
              <Suspense fallback={<Loading />}>
                <AnnotatePage />
              </Suspense>
            }
          />
          <Route
            path="/jobs/:jobId"
            element={
              <Suspense fallback={<Loading />}>
                <JobPage />
              </Suspense>
            }
          />
          <Route
            path="/compare"
            element={
              <Suspense fallback={<Loading />}>
                <ComparePage />
              </Suspense>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </AuthProvider>
  );
}
