// Fixed text of the experiment report in Korean and English.
#include <map>
#include <string>
#include <utility>

#include "report/report_model.h"

namespace moebius::report {

const char* ReportText(const std::string& lang, const std::string& key) {
  static const std::map<std::string, std::pair<const char*, const char*>> kText = {
      {"title", {"Model experiment report", "모델 실험 결과서"}},
      {"overview", {"1. Overview", "1. 개요"}},
      {"project", {"Project", "프로젝트"}},
      {"task", {"Task", "태스크"}},
      {"experiment", {"Experiment", "실험"}},
      {"run", {"Run", "실행"}},
      {"status", {"Status", "상태"}},
      {"user", {"User", "사용자"}},
      {"started", {"Started", "시작"}},
      {"ended", {"Ended", "종료"}},
      {"generated", {"Generated", "작성 일시"}},
      {"goal", {"2. Business goal and acceptance criteria", "2. 비즈니스 목표와 사용자승인기준"}},
      {"business_goal", {"Business goal", "비즈니스 목표"}},
      {"problem_type", {"Problem type", "문제 유형"}},
      {"domain", {"Domain", "도메인"}},
      {"primary_metric", {"Primary metric", "주 지표"}},
      {"task_metrics", {"Metrics", "평가 지표"}},
      {"criteria", {"Acceptance criteria", "사용자승인기준"}},
      {"criteria_result", {"Check result", "판정 결과"}},
      {"passed", {"passed", "충족"}},
      {"failed", {"not met", "미충족"}},
      {"missing", {"missing", "없음"}},
      {"clause", {"Clause", "조건"}},
      {"actual", {"Actual", "실제 값"}},
      {"no_task", {"No task is linked to this run (tag moebius.task).", "이 실행에 연결된 태스크가 없습니다 (moebius.task 태그)."}},
      {"no_criteria", {"The task has no acceptance criteria.", "태스크에 사용자승인기준이 없습니다."}},
      {"data", {"3. Data", "3. 데이터"}},
      {"no_data", {"No dataset versions were recorded for this run.", "이 실행에 기록된 데이터셋 버전이 없습니다."}},
      {"kind", {"Kind", "종류"}},
      {"ref", {"Reference", "참조"}},
      {"code", {"4. Code and environment", "4. 코드와 환경"}},
      {"no_code", {"No code or environment tags were recorded.", "기록된 코드·환경 태그가 없습니다."}},
      {"params", {"5. Parameters", "5. 하이퍼파라미터"}},
      {"no_params", {"No parameters.", "파라미터가 없습니다."}},
      {"metrics", {"6. Metrics", "6. 평가 지표"}},
      {"no_metrics", {"No metrics.", "지표가 없습니다."}},
      {"key", {"Name", "이름"}},
      {"value", {"Value", "값"}},
      {"evaluation", {"7. Evaluation", "7. 모델 평가"}},
      {"no_evaluation", {"No evaluation was stored for this run.", "이 실행에 저장된 평가가 없습니다."}},
      {"rows", {"Rows", "행 수"}},
      {"per_class", {"Per class", "클래스별"}},
      {"class", {"Class", "클래스"}},
      {"precision", {"Precision", "정밀도"}},
      {"recall", {"Recall", "재현율"}},
      {"f1", {"F1", "F1"}},
      {"support", {"Support", "지원 수"}},
      {"confusion", {"Confusion matrix (rows: true, columns: predicted)", "혼동 행렬 (행: 실제, 열: 예측)"}},
      {"roc", {"ROC curve", "ROC 곡선"}},
      {"pr", {"Precision-recall curve", "정밀도-재현율 곡선"}},
      {"calibration", {"Calibration curve", "보정 곡선"}},
      {"residuals", {"Residuals (true − predicted)", "잔차 (실제 − 예측)"}},
      {"slices", {"8. Slices", "8. 슬라이스 분석"}},
      {"no_slices", {"No slices were evaluated.", "평가된 슬라이스가 없습니다."}},
      {"slice", {"Slice", "슬라이스"}},
      {"share", {"Share", "비율"}},
      {"baseline", {"Baseline", "기준"}},
      {"gap", {"Gap", "차이"}},
      {"priority", {"Priority", "우선순위"}},
      {"baselines", {"9. Baselines", "9. 기준 모델 비교"}},
      {"this_model", {"This model", "이 모델"}},
      {"simple_model", {"Simple model", "단순 모델"}},
      {"previous_model", {"Previous model", "이전 모델"}},
      {"human_level", {"Human-level", "사람 수준"}},
      {"not_available", {"not available", "없음"}},
      {"no_labeling", {"not available: no labeling agreement recorded", "없음: 기록된 라벨러 간 일치도가 없습니다"}},
      {"no_previous", {"not available: no earlier run of this experiment has an evaluation with the same metrics",
                       "없음: 같은 지표로 평가된 이 실험의 이전 실행이 없습니다"}},
      {"explanations", {"10. Explanations", "10. 모델 설명"}},
      {"confirmation", {"11. Confirmation", "11. 모델 확정"}},
      {"not_confirmed", {"Not confirmed.", "확정되지 않았습니다."}},
      {"confirmed", {"Confirmed", "확정됨"}},
      {"package", {"Package", "패키지"}},
      {"by", {"By", "확정자"}},
      {"at", {"At", "일시"}},
  };
  auto it = kText.find(key);
  if (it == kText.end()) return "?";
  return lang == "en" ? it->second.first : it->second.second;
}

}  // namespace moebius::report
