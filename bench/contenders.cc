#include "bench/contenders.h"

#include <cstdio>

#include "base/file_util.h"

namespace adxm {
namespace {

namespace fs = std::filesystem;

/// Return the rows a run reports: ingest's "N rows written", the others' `rows=N`.
unsigned long long RowsOf(Kind kind, const std::string& out) {
  if (kind != Kind::kIngest && kind != Kind::kIngestCompare) {
    return static_cast<unsigned long long>(NumberOf(ParseKeyValues(out), "rows"));
  }
  size_t pos = out.find("dataset:");
  unsigned long long rows = 0;
  if (pos != std::string::npos) std::sscanf(out.c_str() + pos, "dataset: %llu", &rows);
  return rows;
}

Contender MakeContender(const BenchContext& context, const Bucket& bucket, Kind kind, int threads) {
  fs::path scratch = context.work / "out";
  std::string source = bucket.root.string(), count = std::to_string(threads);
  switch (kind) {
    case Kind::kIngest:
    case Kind::kIngestCompare: {
      bool compare = kind == Kind::kIngestCompare;
      fs::path warehouse = scratch / (compare ? "warehouse-compare" : "warehouse");
      return {kind, threads,
              {(compare ? context.compare : context.adxmetrics).string(), "ingest", "--source", source, "--warehouse",
               warehouse.string(), "--threads", count},
              warehouse, {}, 0};
    }
    case Kind::kBaseline:
    case Kind::kBaselineSample: {
      bool sample = kind == Kind::kBaselineSample;
      fs::path out = scratch / (sample ? "baseline-sample" : "baseline");
      return {kind, threads,
              {context.Program("adxm_bench_baseline").string(), "--source", source, "--out", out.string(),
               "--threads", count, "--columns", sample ? "sample" : "all"},
              out, {}, 0};
    }
    case Kind::kFloor:
      break;
  }
  return {Kind::kFloor, threads,
          {context.Program("adxm_bench_floor").string(), "--source", source, "--threads", count}, {}, {}, 0};
}

}  // namespace

std::string KindName(Kind kind) {
  switch (kind) {
    case Kind::kIngest: return "adxmetrics ingest";
    case Kind::kIngestCompare: return "ingest, --compare build";
    case Kind::kBaseline: return "DuckDB SQL baseline";
    case Kind::kBaselineSample: return "DuckDB baseline, sample columns";
    case Kind::kFloor: return "floor (extract only)";
  }
  return "";
}

std::vector<Contender> MakeContenders(const BenchContext& context, const Bucket& bucket,
                                      const std::vector<Kind>& kinds) {
  std::vector<Contender> contenders;
  for (int threads : {1, 2}) {
    for (Kind kind : kinds) contenders.push_back(MakeContender(context, bucket, kind, threads));
  }
  return contenders;
}

Status MeasureAll(const BenchContext& context, int runs, std::vector<Contender>* contenders) {
  // Each build's ingest takes the other's place in the order every second run: a program runs
  // faster or slower after another one's memory churn, and neither build should always follow
  // the same program.
  std::vector<size_t> order(contenders->size());
  for (size_t index = 0; index < order.size(); ++index) order[index] = index;
  std::vector<size_t> swapped = order;
  for (size_t a = 0; a < contenders->size(); ++a) {
    for (size_t b = 0; b < contenders->size(); ++b) {
      const Contender& one = (*contenders)[a];
      const Contender& other = (*contenders)[b];
      if (one.kind == Kind::kIngest && other.kind == Kind::kIngestCompare && one.threads == other.threads) {
        std::swap(swapped[a], swapped[b]);
      }
    }
  }
  for (int run = 0; run < runs; ++run) {
    for (size_t index : run % 2 == 0 ? order : swapped) {
      Contender& contender = (*contenders)[index];
      if (!contender.out.empty()) ADXM_RETURN_IF_ERROR(RemoveAll(contender.out));
      ADXM_ASSIGN_OR_RETURN(ProcessResult result, RunChecked(contender.argv, context.stderr_log()));
      contender.samples.Add(result);
      contender.rows = RowsOf(contender.kind, result.out);
    }
    std::printf("  run %d of %d done\n", run + 1, runs);
    std::fflush(stdout);
  }
  return Status::OK();
}

const Contender& Find(const std::vector<Contender>& contenders, Kind kind, int threads) {
  for (const Contender& contender : contenders) {
    if (contender.kind == kind && contender.threads == threads) return contender;
  }
  return contenders.front();
}

}  // namespace adxm
