#include "gbench/run/result.hpp"

#include "gbench/record/json_reader.hpp"
#include "gbench/record/report.hpp"
#include "gbench/record/run.hpp"

namespace gbench::run {

nlohmann::json to_json(const job& j) {
  return {{"model", record::to_json(record::describe(j.model))},
          {"preset", record::to_json(j.preset)},
          {"managed_env", j.managed_env},
          {"batches", j.batches},
          {"warmup", j.warmup},
          {"warmup_auto", j.warmup_auto},
          {"max_warmup_s", j.max_warmup_s},
          {"iterations", j.iterations},
          {"chunk_s", j.chunk_s},
          {"seed", j.seed},
          {"verbose", j.verbose},
          {"profile", j.profile},
          {"record_shapes", j.record_shapes},
          {"trace_dir", j.trace_dir},
          {"min_time", j.min_time},
          {"max_time", j.max_time},
          {"progress", j.progress},
          {"evidence", j.evidence},
          {"conversation", j.conversation},
          {"turn_discard", j.turn_discard}};
}

job job_from_json(const std::string& text, const std::string& name) {
  const auto j = record::parse_document(text, name);
  const record::node n(j, name);
  job out;
  record::model_info model;
  record::read(n, "model", model);
  out.model = record::spec_of(model);
  record::read(n, "preset", out.preset);
  record::read(n, "managed_env", out.managed_env);
  record::read(n, "batches", out.batches);
  record::read(n, "warmup", out.warmup);
  record::read(n, "iterations", out.iterations);
  record::read(n, "warmup_auto", out.warmup_auto);
  record::read(n, "max_warmup_s", out.max_warmup_s);
  record::read(n, "chunk_s", out.chunk_s);
  record::read(n, "seed", out.seed);
  record::read(n, "verbose", out.verbose);
  record::read(n, "profile", out.profile);
  record::read(n, "record_shapes", out.record_shapes);
  record::read(n, "trace_dir", out.trace_dir);
  record::read(n, "min_time", out.min_time);
  record::read(n, "max_time", out.max_time);
  record::read(n, "progress", out.progress);
  record::read(n, "evidence", out.evidence);
  record::read_optional(n, "conversation", out.conversation);
  record::read_optional(n, "turn_discard", out.turn_discard);
  return out;
}

} // namespace gbench::run
