#pragma once

// `inspect` overloads for the plain domain types that travel inside actor
// messages. They live here, not in `actors/domain/`, so that the domain
// library stays free of CAF; they are in the domain's namespace so that
// CAF finds them by argument-dependent lookup.

#include <optional>
#include <type_traits>

#include "caf/detail/scope_guard.hpp"
#include "caf/meta/type_name.hpp"

#include "actors/domain/compact_string.hpp"
#include "actors/domain/compact_vector.hpp"
#include "actors/domain/heap_optional.hpp"
#include "actors/domain/notification.hpp"
#include "actors/domain/optional_instant.hpp"
#include "actors/domain/preview.hpp"
#include "actors/domain/project.hpp"
#include "actors/domain/query.hpp"
#include "actors/domain/reminder_action.hpp"
#include "actors/domain/todo.hpp"
#include "actors/domain/validation.hpp"

namespace actodo::actors {

/// Inspects a `std::optional` (or `domain::heap_optional`) member (CAF 0.17
/// knows only `caf::optional`) as a presence flag plus, when present, the
/// value.
template<class T, class Holder = std::optional<T>>
struct optional_ref {
  Holder& x;
};

template<class T>
optional_ref<T> optional_field(std::optional<T>& x) {
  return {x};
}

template<class T>
optional_ref<T, domain::heap_optional<T>>
optional_field(domain::heap_optional<T>& x) {
  return {x};
}

inline optional_ref<int64_t, domain::optional_instant>
optional_field(domain::optional_instant& x) {
  return {x};
}

template<class T>
struct is_std_optional : std::false_type {};

template<class T>
struct is_std_optional<std::optional<T>> : std::true_type {};

/// The value part of a present optional, on load.
template<class T>
struct optional_storage {
  bool& present;
  T& value;
};

template<class Inspector, class T>
typename Inspector::result_type inspect(Inspector& f, optional_storage<T>& x) {
  if (!x.present)
    return f();
  if constexpr (is_std_optional<T>::value) {
    optional_ref<typename T::value_type> inner{x.value};
    return f(inner);
  } else {
    return f(x.value);
  }
}

template<class Inspector, class T, class Holder>
typename Inspector::result_type
inspect(Inspector& f, optional_ref<T, Holder>& x) {
  if constexpr (Inspector::reads_state) {
    if (!x.x)
      return f(false);
    if constexpr (is_std_optional<T>::value) {
      optional_ref<typename T::value_type> inner{*x.x};
      return f(true, inner);
    } else {
      return f(true, *x.x);
    }
  } else {
    bool present = false;
    T tmp{};
    optional_storage<T> storage{present, tmp};
    auto guard = caf::detail::make_scope_guard([&] {
      if (present)
        x.x = std::move(tmp);
      else
        x.x.reset();
    });
    return f(present, storage);
  }
}

} // namespace actodo::actors

namespace actodo::actors::domain {

/// A `compact_string` travels as a `std::string`.
template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, compact_string& x) {
  if constexpr (Inspector::reads_state) {
    auto text = x.str();
    return f(text);
  } else {
    std::string text;
    auto guard = caf::detail::make_scope_guard([&] { x = text; });
    return f(text);
  }
}

/// A `compact_vector` travels as a `std::vector`.
template<class Inspector, class T>
typename Inspector::result_type inspect(Inspector& f, compact_vector<T>& x) {
  if constexpr (Inspector::reads_state) {
    auto xs = x.to_vector();
    return f(xs);
  } else {
    std::vector<T> xs;
    auto guard = caf::detail::make_scope_guard([&] { x = std::move(xs); });
    return f(xs);
  }
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, reminder& x) {
  return f(caf::meta::type_name("reminder"), x.at, x.offset_ms, x.misfire,
           x.state, x.snoozed_until, x.fired_at);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, recurrence& x) {
  return f(caf::meta::type_name("recurrence"), x.rrule, x.exdates,
           x.from_completion, x.series_id, x.index, x.next_id, x.ended,
           x.end_reason);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, todo& x) {
  return f(caf::meta::type_name("todo"), x.id, x.title, x.notes, x.completed,
           actors::optional_field(x.completed_ms), x.prio, x.tags, x.due,
           x.order, x.created_ms, x.updated_ms, x.version, x.time_zone,
           x.reminders, actors::optional_field(x.recur), x.project_id,
           x.parent_id, x.archived);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, recurrence_input& x) {
  return f(caf::meta::type_name("recurrence_input"), x.rrule, x.preset,
           x.exdates, x.from_completion, x.index, x.ended, x.end_reason);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, todo_patch& x) {
  using actors::optional_field;
  return f(caf::meta::type_name("todo_patch"), optional_field(x.title),
           optional_field(x.notes), optional_field(x.completed),
           optional_field(x.prio), optional_field(x.tags),
           optional_field(x.due), optional_field(x.order),
           optional_field(x.time_zone), optional_field(x.reminders),
           optional_field(x.recurrence), optional_field(x.project_id),
           optional_field(x.parent_id), optional_field(x.archived),
           optional_field(x.project_name));
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, notification& x) {
  return f(caf::meta::type_name("notification"), x.id, x.kind, x.created_at,
           x.subject, x.title, x.data);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, project& x) {
  return f(caf::meta::type_name("project"), x.id, x.name, x.color, x.order,
           x.archived, x.created_at, x.updated_at, x.version);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, project_patch& x) {
  using actors::optional_field;
  return f(caf::meta::type_name("project_patch"), optional_field(x.name),
           optional_field(x.color), optional_field(x.order),
           optional_field(x.archived));
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, reminder_action& x) {
  return f(caf::meta::type_name("reminder_action"), x.index, x.until_ms);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, sort_key& x) {
  return f(caf::meta::type_name("sort_key"), x.field, x.descending);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, sort_values& x) {
  using actors::optional_field;
  return f(caf::meta::type_name("sort_values"), optional_field(x.due), x.prio,
           x.created_ms, x.updated_ms, x.order, x.title, x.title_folded, x.id);
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, query& x) {
  using actors::optional_field;
  return f(caf::meta::type_name("query"), optional_field(x.completed),
           x.priorities, x.tags, x.q, optional_field(x.due_before),
           optional_field(x.due_after), optional_field(x.project),
           optional_field(x.parent), optional_field(x.archived), x.sort,
           x.limit, optional_field(x.after));
}

template<class Inspector>
typename Inspector::result_type inspect(Inspector& f, preview_request& x) {
  return f(caf::meta::type_name("preview_request"), x.sample, x.limit, x.field);
}

} // namespace actodo::actors::domain
