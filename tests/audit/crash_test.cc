// kill -9 during a burst of decisions: a child process appends decisions
// (single appends and group-committed batches, from two threads) and writes
// each id to a pipe only after Append/AppendBatch returned; the parent
// SIGKILLs it mid-burst, reopens the database and checks that every
// acknowledged id is stored and the chain verifies. Repeated on the same
// file, so later rounds also append after a crash recovery.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "engine/audit/audit_trail.h"
#include "tests/test_support.h"

namespace clearance::audit {
namespace {

AuditRecord Decision(int n) {
  AuditRecord r;
  r.kind = RecordKind::kDecision;
  r.created_at = "2026-11-22T10:00:00Z";
  r.actor = "api";
  r.subject = "acct-" + std::to_string(n % 97);
  r.outcome = n % 5 == 0 ? "DENY" : "ALLOW";
  // ~4 KB of input, like a real account record.
  std::string names;
  for (int i = 0; i < 40; ++i) {
    if (i > 0) names += ",";
    names += "{\"name\":\"Beneficial Owner Number " + std::to_string(i) +
             "\",\"country\":\"SG\",\"share\":" + std::to_string(i % 30) +
             ",\"dob\":\"1970-01-01\"}";
  }
  r.input_json = "{\"n\":" + std::to_string(n) + ",\"owners\":[" + names + "]}";
  r.output_json =
      "{\"outcome\":\"" + r.outcome + "\",\"n\":" + std::to_string(n) + "}";
  return r;
}

void WriteLine(int fd, const std::string& line) {
  const std::string text = line + "\n";  // < PIPE_BUF: one atomic write
  const ssize_t n = write(fd, text.data(), text.size());
  if (n != static_cast<ssize_t>(text.size())) _exit(3);
}

// The child: appends until killed. Never returns.
[[noreturn]] void AppendUntilKilled(const std::string& path, int fd) {
  auto trail = AuditTrail::Open(path);
  if (!trail) _exit(2);
  AuditTrail& t = **trail;
  std::atomic<int> counter{0};
  std::thread batches([&] {
    while (true) {
      std::vector<AuditRecord> batch;
      for (int i = 0; i < 16; ++i) batch.push_back(Decision(counter++));
      auto stored = t.AppendBatch(std::move(batch));
      if (!stored) _exit(4);
      for (const AuditRecord& r : *stored) WriteLine(fd, r.id);
    }
  });
  while (true) {
    auto stored = t.Append(Decision(counter++));
    if (!stored) _exit(4);
    WriteLine(fd, stored->id);
  }
}

// Reads lines from `fd` for `duration`, then kills `child` and drains the
// pipe (everything written before the kill is still in it).
std::vector<std::string> ReadThenKill(int fd, pid_t child,
                                      std::chrono::milliseconds duration) {
  std::string buffer;
  char chunk[4096];
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 10) > 0) {
      const ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) break;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the child ended on its own, status " << status;
  while (true) {
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  std::vector<std::string> ids;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = buffer.find('\n', start);
    if (end == std::string::npos) break;  // a partial line is not an ack
    ids.push_back(buffer.substr(start, end - start));
    start = end + 1;
  }
  return ids;
}

TEST(AuditCrash, KillDuringBurstLosesNoAcknowledgedDecision) {
  testing::TempDir dir;
  const std::string path = dir.File("audit.db");
  std::size_t total_acknowledged = 0;
  for (int round = 0; round < 4; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(fds[0]);
      AppendUntilKilled(path, fds[1]);
    }
    close(fds[1]);
    const std::vector<std::string> acknowledged =
        ReadThenKill(fds[0], child, std::chrono::milliseconds(300));
    close(fds[0]);
    total_acknowledged += acknowledged.size();

    auto trail = AuditTrail::Open(path);
    ASSERT_TRUE(trail.has_value()) << trail.error().ToString();
    EXPECT_GT(acknowledged.size(), 0u) << "round " << round;
    std::size_t missing = 0;
    for (const std::string& id : acknowledged) {
      auto r = (*trail)->Get(id);
      if (!r) {
        ++missing;
        ADD_FAILURE() << "round " << round << ": acknowledged " << id
                      << " lost: " << r.error().ToString();
        if (missing > 5) break;
      }
    }
    auto report = (*trail)->Verify();
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    EXPECT_TRUE(report->ok)
        << "round " << round << ": record " << report->first_broken_id << ": "
        << report->problem;
    EXPECT_GE(static_cast<std::size_t>(report->records), total_acknowledged);
    std::printf("round %d: %zu acknowledged, %lld records stored\n", round,
                acknowledged.size(), static_cast<long long>(report->records));
  }
}

}  // namespace
}  // namespace clearance::audit
