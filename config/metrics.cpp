#include "config/metrics.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace actodo::config {

namespace {

std::string number(double x) {
  std::ostringstream out;
  out.precision(10);
  out << x;
  return out.str();
}

const char* to_string(metric_type x) {
  switch (x) {
    case metric_type::counter: return "counter";
    case metric_type::gauge: return "gauge";
    default: return "histogram";
  }
}

std::string braces(const std::string& labels) {
  return labels.empty() ? std::string{} : "{" + labels + "}";
}

} // namespace

histogram::histogram(std::vector<double> bounds)
  : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}

void histogram::observe(double x) noexcept {
  size_t i = 0;
  while (i < bounds_.size() && x > bounds_[i])
    ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(std::llround(x * 1e6)),
                        std::memory_order_relaxed);
}

histogram::summary histogram::snapshot() const {
  summary result;
  std::vector<uint64_t> counts;
  for (auto& c : counts_) {
    counts.push_back(c.load(std::memory_order_relaxed));
    result.count += counts.back();
  }
  result.sum = static_cast<double>(sum_micros_.load()) / 1e6;
  uint64_t seen = 0;
  for (size_t i = 0; i < counts.size() && result.count > 0; ++i) {
    seen += counts[i];
    if (seen * 100 >= result.count * 99) {
      result.p99 = i < bounds_.size() ? bounds_[i] : bounds_.back();
      break;
    }
  }
  return result;
}

void histogram::render(std::string& out, const std::string& name,
                       const std::string& labels) const {
  auto with = [&](const std::string& extra) {
    auto all = labels.empty() ? extra : labels + "," + extra;
    return "{" + all + "}";
  };
  uint64_t total = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    auto le = i < bounds_.size() ? number(bounds_[i]) : std::string{"+Inf"};
    out += name + "_bucket" + with("le=\"" + le + "\"") + " "
           + std::to_string(total) + "\n";
  }
  out += name + "_sum" + braces(labels) + " "
         + number(static_cast<double>(sum_micros_.load()) / 1e6) + "\n";
  out += name + "_count" + braces(labels) + " " + std::to_string(total) + "\n";
}

std::vector<double> latency_bounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
}

std::string label(const std::string& name, const std::string& value) {
  std::string result = name + "=\"";
  for (auto c : value) {
    if (c == '\\' || c == '"')
      result += '\\';
    if (c == '\n')
      result += "\\n";
    else
      result += c;
  }
  return result + "\"";
}

family::family(std::string name, std::string help, metric_type type,
               std::vector<double> bounds)
  : name_(std::move(name)),
    help_(std::move(help)),
    type_(type),
    bounds_(std::move(bounds)) {}

family::series& family::find_or_add(const std::string& labels) {
  if (auto i = by_labels_.find(labels); i != by_labels_.end())
    return *i->second;
  series_.push_back(std::make_unique<series>());
  auto& result = *series_.back();
  result.labels = labels;
  by_labels_.emplace(labels, &result);
  return result;
}

gauge& family::at(const std::string& labels) {
  if (type_ == metric_type::histogram)
    throw std::logic_error(name_ + " is a histogram");
  std::lock_guard<std::mutex> guard{mtx_};
  auto& s = find_or_add(labels);
  if (s.value == nullptr && !s.sampled) {
    s.owned = std::make_unique<gauge>();
    s.value = s.owned.get();
  }
  // A shown or sampled series is not this family's to update.
  if (s.owned == nullptr)
    throw std::logic_error(name_ + "{" + labels + "} is not owned here");
  return *s.owned;
}

histogram& family::histogram_at(const std::string& labels) {
  if (type_ != metric_type::histogram)
    throw std::logic_error(name_ + " is not a histogram");
  std::lock_guard<std::mutex> guard{mtx_};
  auto& s = find_or_add(labels);
  if (s.hist == nullptr)
    s.hist = std::make_unique<histogram>(bounds_);
  return *s.hist;
}

void family::show(const std::string& labels, const gauge& g) {
  if (type_ == metric_type::histogram)
    throw std::logic_error(name_ + " is a histogram");
  std::lock_guard<std::mutex> guard{mtx_};
  auto& s = find_or_add(labels);
  if (s.value != nullptr || s.sampled)
    throw std::logic_error(name_ + "{" + labels + "} exists");
  s.value = &g;
}

void family::sample(std::function<std::string()> fn) {
  if (type_ == metric_type::histogram)
    throw std::logic_error(name_ + " is a histogram");
  std::lock_guard<std::mutex> guard{mtx_};
  auto& s = find_or_add({});
  if (s.value != nullptr || s.sampled)
    throw std::logic_error(name_ + " exists");
  s.sampled = std::move(fn);
}

void family::render(std::string& out) const {
  out += "# HELP " + name_ + " " + help_ + "\n";
  out += "# TYPE " + name_ + " " + to_string(type_) + "\n";
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& s : series_) {
    if (s->hist != nullptr) {
      s->hist->render(out, name_, s->labels);
      continue;
    }
    auto text = s->sampled ? s->sampled() : std::to_string(s->value->value());
    out += name_ + braces(s->labels) + " " + text + "\n";
  }
}

family& registry::add(std::string name, std::string help, metric_type type,
                      std::vector<double> bounds) {
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& f : families_)
    if (f->name() == name)
      throw std::logic_error("metric family " + name + " registered twice");
  families_.push_back(std::make_unique<family>(std::move(name), std::move(help),
                                               type, std::move(bounds)));
  return *families_.back();
}

gauge& registry::add_counter(std::string name, std::string help) {
  return add(std::move(name), std::move(help), metric_type::counter).at();
}

gauge& registry::add_gauge(std::string name, std::string help) {
  return add(std::move(name), std::move(help), metric_type::gauge).at();
}

histogram& registry::add_histogram(std::string name, std::string help,
                                   std::vector<double> bounds) {
  return add(std::move(name), std::move(help), metric_type::histogram,
             std::move(bounds))
    .histogram_at();
}

std::string registry::render() const {
  std::string out;
  std::lock_guard<std::mutex> guard{mtx_};
  for (auto& f : families_)
    f->render(out);
  return out;
}

} // namespace actodo::config
