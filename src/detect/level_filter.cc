#include "detect/level_filter.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace deconflict::detect {

const char* AlertLevelName(AlertLevel level) {
  switch (level) {
    case AlertLevel::kNone: return "none";
    case AlertLevel::kCaution: return "caution";
    case AlertLevel::kWarning: return "warning";
  }
  return "?";
}

Status ValidateAlertingOptions(const AlertingOptions& o) {
  auto seconds = [](const char* name, double v, double lo, double hi) -> Status {
    if (!std::isfinite(v) || v < lo || v > hi)
      return Status::Invalid(std::string("alerting option ") + name + " must be between " + std::to_string(int(lo)) +
                             " and " + std::to_string(int(hi)) + " s");
    return Status::Ok();
  };
  for (const Status& s : {seconds("caution_lookahead", o.caution_lookahead_s, 0, 3600),
                          seconds("warning_lookahead", o.warning_lookahead_s, 0, 3600),
                          seconds("hysteresis", o.hysteresis_s, 0, 3600),
                          seconds("persistence", o.persistence_s, 0, 3600),
                          seconds("episode_gap", o.episode_gap_s, 0, 86400)})
    if (!s.ok()) return s;
  if (o.alerting_n < 1 || o.alerting_n > kMaxAlertingN)
    return Status::Invalid("alerting option alerting_n (N of M-of-N) must be between 1 and " +
                           std::to_string(kMaxAlertingN));
  if (o.alerting_m < 1 || o.alerting_m > o.alerting_n)
    return Status::Invalid("alerting option alerting_m (M of M-of-N) must be between 1 and alerting_n (" +
                           std::to_string(o.alerting_n) + ")");
  return Status::Ok();
}

AlertLevel LevelFilter::MofN(const AlertingOptions& o) const {
  int at_least[3] = {0, 0, 0};  // number of window slots whose level is >= caution, >= warning
  for (int i = 0; i < o.alerting_n; ++i)
    for (int k = 1; k <= window_[i]; ++k) ++at_least[k];
  if (at_least[2] >= o.alerting_m) return AlertLevel::kWarning;
  if (at_least[1] >= o.alerting_m) return AlertLevel::kCaution;
  return AlertLevel::kNone;
}

AlertLevel LevelFilter::Update(double t_s, AlertLevel raw, const AlertingOptions& o) {
  const int8_t r = static_cast<int8_t>(raw);
  if (!started_ || t_s - last_s_ > o.hysteresis_s) {
    // A fresh window (DAIDALUS's reset): its oldest M slots hold the current level, the others are empty;
    // then the current level is added like any other.
    for (int i = 0; i < o.alerting_n; ++i) window_[i] = i < o.alerting_m ? r : -1;
    head_ = 0;
    started_ = true;
  }
  window_[head_] = r;  // replaces the oldest
  head_ = static_cast<int8_t>((head_ + 1) % o.alerting_n);
  last_s_ = t_s;
  if (raw > level_) {  // raising is immediate (see the header: the one difference from DAIDALUS)
    level_ = raw;
    raised_s_ = t_s;
    return level_;
  }
  // Lowering: to what the window still holds, never below what is seen now.
  const AlertLevel held = std::max(MofN(o), raw);
  if (held < level_ && t_s - raised_s_ >= o.persistence_s) level_ = held;
  return level_;
}

}  // namespace deconflict::detect
