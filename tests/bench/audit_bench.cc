// Audit append benchmark (docs/performance.md, "Audit trail").
//
// Appends realistic decision records (4-8 KB of canonical input + output
// JSON each) to a fresh database per mode, durably (WAL, synchronous=FULL:
// every acknowledged record was fsynced), and prints a table:
//   single      one Append per record: one transaction and fsync each
//   batch N     AppendBatch of N records: one transaction and fsync per batch
//   threads T   T threads calling Append concurrently: the trail's automatic
//               group commit (what the screening API does under load)
//   cpu only    canonical JSON + record hash, no storage
// Target: >= 5,000 decisions/s with durability.
//
//   build/tests/bench/bench_audit [--dir DIR] [--single N] [--batched N]
//                                 [--batch-size N] [--threads T]
// DIR is where the databases go (default: $TMPDIR or /tmp); it should be on
// the filesystem the audit database will live on, since fsync dominates.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "engine/audit/audit_trail.h"

namespace {

using clearance::audit::AuditRecord;
using clearance::audit::AuditTrail;
using clearance::audit::RecordKind;
using Clock = std::chrono::steady_clock;

// A decision about the size of a real one: the account input (names,
// addresses, owners, payments, IP events) and the decision output (fired
// rules with citations, evidence, versions). 4-8 KB depending on n.
AuditRecord RealisticDecision(int n) {
  std::string owners;
  const int owner_count = 4 + n % 6;
  for (int i = 0; i < owner_count; ++i) {
    if (i > 0) owners += ",";
    owners += "{\"name\":\"Beneficial Owner " + std::to_string(i) +
              " Tan Wei Ming\",\"nationality\":\"SG\",\"share_percent\":" +
              std::to_string(10 + i) + ",\"date_of_birth\":\"1971-03-0" +
              std::to_string(1 + i % 9) +
              "\",\"address\":{\"street\":\"1 Raffles Place #" +
              std::to_string(20 + i) +
              "-01\",\"city\":\"Singapore\",\"postal_code\":\"048616\","
              "\"country\":\"SG\"}}";
  }
  std::string ips;
  for (int i = 0; i < 24; ++i) {
    if (i > 0) ips += ",";
    ips += "{\"address\":\"203.0.113." + std::to_string(i) +
           "\",\"seen_at\":\"2026-11-2" + std::to_string(i % 10) + "T08:1" +
           std::to_string(i % 10) +
           ":00Z\",\"country\":\"SG\",\"region\":\"Central\"}";
  }
  std::string input =
      "{\"request_id\":\"req-" + std::to_string(n) +
      "\",\"as_of\":\"2026-11-22\",\"account\":{\"id\":\"acct-" +
      std::to_string(n % 5000) +
      "\",\"legal_name\":\"Lion City Compute Pte. Ltd.\",\"trade_names\":["
      "\"LCC\",\"Lion City AI\"],\"country\":\"SG\",\"registration\":"
      "\"201912345K\",\"addresses\":[{\"street\":\"8 Marina View\",\"city\":"
      "\"Singapore\",\"country\":\"SG\"}],\"beneficial_owners\":[" +
      owners +
      "],\"payments\":[{\"payer\":\"Lion City Compute\",\"bank_"
      "country\":\"SG\",\"method\":\"wire\"},{\"payer\":\"LCC\","
      "\"bank_country\":\"HK\",\"method\":\"card\"}],\"ip_events\":[" +
      ips +
      "]},\"workload\":{\"gpus\":64,\"model\":\"H100\",\"purpose\":"
      "\"training\"}}";
  std::string fired;
  for (int i = 0; i < 5; ++i) {
    if (i > 0) fired += ",";
    fired += "{\"rule\":\"C" + std::to_string(i + 1) +
             "\",\"version\":\"2025-01-15\",\"citation\":\"15 CFR "
             "744.23(a)(" +
             std::to_string(i + 1) +
             ")\",\"basis\":\"FINAL\",\"outcome\":\"LICENSE_REQUIRED\","
             "\"explanation\":\"The ultimate parent is headquartered in a "
             "D:5 country and the request is for 64 H100 (3A090.a) for "
             "training.\"}";
  }
  std::string output =
      "{\"outcome\":\"" + std::string(n % 7 == 0 ? "DENY" : "ALLOW") +
      "\",\"fired\":[" + fired +
      "],\"versions\":{\"OFAC-SDN\":\"2026-11-20\",\"BIS-EL\":\"2026-11-18\","
      "\"ruleset\":\"9f2c4e1a7b3d5f60\",\"geoip\":\"2026-11\",\"engine\":"
      "\"0.9.0\"},\"hits\":[{\"list\":\"BIS-EL\",\"party\":\"BIS-EL:1234\","
      "\"score\":0.91,\"explanation\":\"name and address match\"}]}";
  AuditRecord r;
  r.kind = RecordKind::kDecision;
  r.created_at = "2026-11-22T10:00:00Z";
  r.actor = "api";
  r.subject = "acct-" + std::to_string(n % 5000);
  r.outcome = n % 7 == 0 ? "DENY" : "ALLOW";
  r.input_json = std::move(input);
  r.output_json = std::move(output);
  return r;
}

struct Row {
  std::string mode;
  int records = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;  // per acknowledgement
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

std::unique_ptr<AuditTrail> Fresh(const std::filesystem::path& dir,
                                  const std::string& name) {
  const std::filesystem::path db = dir / (name + ".db");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(db.string() + suffix);
  }
  auto trail = AuditTrail::Open(db.string());
  if (!trail) {
    std::fprintf(stderr, "%s\n", trail.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*trail);
}

double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "%s failed\n", what);
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const char* tmp = std::getenv("TMPDIR");
  std::filesystem::path base = tmp != nullptr ? tmp : "/tmp";
  int single = 500, batched = 20000, batch_size = 64, threads = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--dir")
      base = argv[i + 1];
    else if (flag == "--single")
      single = std::atoi(argv[i + 1]);
    else if (flag == "--batched")
      batched = std::atoi(argv[i + 1]);
    else if (flag == "--batch-size")
      batch_size = std::atoi(argv[i + 1]);
    else if (flag == "--threads")
      threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  const std::filesystem::path dir = base / "clearance_bench_audit";
  std::filesystem::create_directories(dir);

  std::size_t bytes = 0, min_bytes = SIZE_MAX, max_bytes = 0;
  for (int n = 0; n < 100; ++n) {
    AuditRecord r = RealisticDecision(n);
    const std::size_t b = r.input_json.size() + r.output_json.size();
    bytes += b;
    min_bytes = std::min(min_bytes, b);
    max_bytes = std::max(max_bytes, b);
  }
  std::vector<Row> rows;

  {  // single appends
    auto trail = Fresh(dir, "single");
    Row row{"single (1 per txn)", single, 0, {}};
    const auto start = Clock::now();
    for (int n = 0; n < single; ++n) {
      const auto t0 = Clock::now();
      Check(trail->Append(RealisticDecision(n)).has_value(), "Append");
      row.latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    row.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    Check(trail->Verify()->ok, "Verify");
    rows.push_back(std::move(row));
  }
  {  // explicit group commit
    auto trail = Fresh(dir, "batch");
    Row row{"AppendBatch of " + std::to_string(batch_size), 0, 0, {}};
    const auto start = Clock::now();
    for (int n = 0; n < batched; n += batch_size) {
      std::vector<AuditRecord> batch;
      for (int i = 0; i < batch_size; ++i)
        batch.push_back(RealisticDecision(n + i));
      const auto t0 = Clock::now();
      Check(trail->AppendBatch(std::move(batch)).has_value(), "AppendBatch");
      row.latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      row.records += batch_size;
    }
    row.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    Check(trail->Verify()->ok, "Verify");
    rows.push_back(std::move(row));
  }
  {  // concurrent single appends: automatic group commit
    auto trail = Fresh(dir, "threads");
    Row row{std::to_string(threads) + " threads x Append", 0, 0, {}};
    const int each = batched / threads;
    std::vector<std::vector<double>> lat(static_cast<std::size_t>(threads));
    std::vector<std::thread> pool;
    const auto start = Clock::now();
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        for (int i = 0; i < each; ++i) {
          AuditRecord r = RealisticDecision(t * each + i);
          const auto t0 = Clock::now();
          Check(trail->Append(std::move(r)).has_value(), "Append");
          lat[static_cast<std::size_t>(t)].push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - t0)
                  .count());
        }
      });
    }
    for (auto& t : pool) t.join();
    row.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (auto& l : lat) {
      row.latencies_ms.insert(row.latencies_ms.end(), l.begin(), l.end());
    }
    row.records = each * threads;
    Check(trail->Verify()->ok, "Verify");
    rows.push_back(std::move(row));
  }
  {  // CPU cost without storage, per step (records generated beforehand);
     // thread CPU time, so that other load on the machine does not count
    std::vector<AuditRecord> records;
    for (int n = 0; n < 2000; ++n) records.push_back(RealisticDecision(n));
    Row canonical{"cpu only: canonical JSON (in + out), CPU time", 2000, 0, {}};
    double start = CpuSeconds();
    for (AuditRecord& r : records) {
      r.input_json = *clearance::audit::CanonicalJson(r.input_json);
      r.output_json = *clearance::audit::CanonicalJson(r.output_json);
    }
    canonical.seconds = CpuSeconds() - start;
    Row hash{"cpu only: record hash, CPU time", 2000, 0, {}};
    start = CpuSeconds();
    for (AuditRecord& r : records) {
      r.record_hash = clearance::audit::ComputeRecordHash(r);
    }
    hash.seconds = CpuSeconds() - start;
    rows.push_back(std::move(canonical));
    rows.push_back(std::move(hash));
  }

  std::printf("records: %zu..%zu bytes of JSON (mean %zu); databases in %s\n\n",
              min_bytes, max_bytes, bytes / 100, dir.c_str());
  std::printf(
      "| mode | records | decisions/s | ack latency p50 ms | p99 ms |\n");
  std::printf("|---|---:|---:|---:|---:|\n");
  for (const Row& r : rows) {
    std::printf("| %s | %d | %.0f | %.2f | %.2f |\n", r.mode.c_str(), r.records,
                r.records / r.seconds, Percentile(r.latencies_ms, 0.5),
                Percentile(r.latencies_ms, 0.99));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
