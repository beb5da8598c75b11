#include "generate/world.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <span>

#include "generate/random.h"
#include "generate/time_text.h"

namespace adxm {
namespace {

constexpr std::string_view kProviderAccount = "111122223333";

/// A data set: an access point over a prefix of a provider bucket.
struct DataSetSpec {
  std::string_view prefix;   // Top-level folder in the bucket.
  int region;                // Index into the region table.
  std::string_view owner;    // ADX service account, or "" for the provider's own.
  std::string_view ap_name;  // Fixed name for provider access points; ADX ones are random.
};

constexpr DataSetSpec kDataSets[] = {
    {"equities-eod", 0, "540564263739", ""},     {"options-chains", 0, "540564263739", ""},
    {"crypto-trades", 0, "504002150500", ""},    {"fx-rates", 1, "330489627928", ""},
    {"eu-energy-prices", 2, "036905324694", ""}, {"equities-eod", 0, "", "internal-analytics"},
};

/// A user agent and its client family, labelled by hand (the reports' classifier is tested against it).
struct Agent {
  std::string_view text;
  std::string_view family;
};

// A realistic mix: the CLI, SDKs of several languages, analytics engines, tools and the console.
constexpr Agent kSubscriberAgents[] = {
    {"[aws-cli/2.13.0 Python/3.11.4 Linux/5.10.184-175.749.amzn2.x86_64 exe/x86_64.amzn.2 "
     "prompt/off command/s3.cp]",
     "AWS CLI"},
    {"[aws-cli/2.11.2 Python/3.11.2 Darwin/22.4.0 exe/x86_64 prompt/off command/s3.sync]", "AWS CLI"},
    {"[aws-cli/1.29.40 Python/3.9.16 Linux/6.1.41-63.114.amzn2023.x86_64 botocore/1.31.40]", "AWS CLI"},
    {"[Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/linux#5.10.186 md/arch#x86_64 "
     "lang/python#3.10.12 Botocore/1.31.57]",
     "Python SDK (boto3)"},
    {"[Boto3/1.34.2 md/Botocore#1.34.2 ua/2.0 os/linux#5.10.205 md/arch#x86_64 lang/python#3.10.13 "
     "md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.2 AWS-SageMaker-Python-SDK/2.199.0]",
     "SageMaker"},
    {"[aws-sdk-java/2.20.162 Linux/5.15.0-1045-aws OpenJDK_64-Bit_Server_VM/17.0.8.1+1 "
     "Java/17.0.8.1 io/sync]",
     "Java SDK"},
    {"[aws-sdk-go-v2/1.21.0 os/linux lang/go#1.21.1 md/GOOS#linux md/GOARCH#amd64 api/s3#1.40.0]",
     "Go SDK"},
    {"[aws-sdk-js/3.433.0 ua/2.0 os/linux#5.10.198 lang/js md/nodejs#18.18.2 api/s3#3.433.0]",
     "JavaScript SDK"},
    {"[aws-sdk-dotnet-coreclr/3.7.201.2 aws-sdk-dotnet-core/3.7.202.1 .NET_Core/6.0.22 "
     "OS/Microsoft_Windows_10.0.17763 ClientAsync]",
     ".NET SDK"},
    {"[Hadoop 3.3.4, aws-sdk-java/1.12.367 Linux/5.10.179-168.710.amzn2.x86_64 java/1.8.0_372 "
     "scala/2.12.15]",
     "EMR / Spark"},
    {"[aws-sdk-java/1.12.470 Linux/5.10.184-175.731.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/25.372-b07 "
     "java/1.8.0_372 vendor/Amazon.com_Inc. cfg/retry-mode/standard EMRFS/2.59.0]",
     "EMR / Spark"},
    {"athena.amazonaws.com", "Athena"},
    {"rclone/v1.63.1", "Other"},
    {"[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 java/1.8.0_372]", "S3 console"},
};

constexpr Agent kAnonymousAgents[] = {
    {"curl/8.1.2", "Other"},
    {"python-requests/2.31.0", "Other"},
    {"Wget/1.21.3", "Other"},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/115.0.0.0 Safari/537.36",
     "Browser"},
};

constexpr int kPublicFirstOctets[] = {3, 13, 18, 34, 35, 44, 52, 54, 63, 98, 104, 130, 141, 185};

/// Return a size in [2^min_exp, 2^max_exp), log-uniform by octave.
uint64_t ObjectSize(Rng& rng, int min_exp, int max_exp) {
  uint64_t base = uint64_t{1} << rng.Between(min_exp, max_exp - 1);
  return base + rng.Uniform(base);
}

/// Fill the objects and list prefixes of a data set under `prefix`.
void AddObjects(Rng& rng, std::string_view prefix, bool odd_keys, AccessPoint* ap) {
  ap->prefixes.push_back(fmt::format("{}/", prefix));
  int months = 2 + static_cast<int>(rng.Uniform(3));
  for (int month = 1; month <= months; ++month) {
    ap->prefixes.push_back(fmt::format("{}/2023/{:02}/", prefix, month));
    int day_count = 8 + static_cast<int>(rng.Uniform(12));
    for (int day = 1; day <= day_count; ++day) {
      int parts = 1 + static_cast<int>(rng.Uniform(4));
      for (int part = 0; part < parts; ++part) {
        ap->objects.push_back(
            {fmt::format("{}/2023/{:02}/{:02}/part-{:05}.parquet", prefix, month, day, part),
             ObjectSize(rng, 20, 27)});
      }
    }
  }
  ap->prefixes.push_back(fmt::format("{}/reference/", prefix));
  ap->objects.push_back(
      {fmt::format("{}/reference/symbols.csv.gz", prefix), ObjectSize(rng, 16, 22)});
  ap->objects.push_back(
      {fmt::format("{}/reference/calendar.json", prefix), ObjectSize(rng, 10, 14)});
  ap->objects.push_back({fmt::format("{}/README.md", prefix), ObjectSize(rng, 11, 13)});
  ap->objects.push_back(
      {fmt::format("{}/reports/Q1 2023/summary.pdf", prefix), ObjectSize(rng, 18, 22)});
  if (odd_keys) {  // Keys that exercise JSON escaping and UTF-8 end to end.
    ap->objects.push_back({fmt::format("{}/notes/données-é.txt", prefix), ObjectSize(rng, 9, 12)});
    ap->objects.push_back(
        {fmt::format("{}/notes/the \"raw\" feed.txt", prefix), ObjectSize(rng, 9, 12)});
  }
}

/// Add `count` objects of past years under `prefix`/history/, four parts a day going back from the
/// end of 2022, from their own random stream.
void AddHistory(uint64_t seed, size_t ap_index, std::string_view prefix, int count, AccessPoint* ap) {
  Rng rng(DeriveSeed(seed, "history", ap_index));
  constexpr int kPartsPerDay = 4;
  constexpr int64_t kLastDay = 19357;  // 2022-12-31, days since the epoch.
  for (int idx = 0; idx < count; ++idx) {
    CivilTime date = ToCivil((kLastDay - idx / kPartsPerDay) * kSecondsPerDay);
    ap->objects.push_back({fmt::format("{}/history/{:04}/{:02}/{:02}/part-{:05}.parquet", prefix, date.year,
                                       date.month, date.day, idx % kPartsPerDay),
                           ObjectSize(rng, 20, 27)});
  }
}

std::vector<AccessPoint> BuildAccessPoints(Rng& rng, const GenerateOptions& options,
                                           const std::vector<RegionInfo>& regions) {
  std::vector<AccessPoint> out;
  for (const DataSetSpec& spec : kDataSets) {
    AccessPoint ap;
    ap.adx = !spec.owner.empty();
    ap.account = ap.adx ? std::string(spec.owner) : std::string(kProviderAccount);
    ap.name = ap.adx ? "adx-" + rng.Chars(12, kLowerAlnum) : std::string(spec.ap_name);
    ap.region = std::min(spec.region, static_cast<int>(regions.size()) - 1);
    ap.bucket = fmt::format("acme-data-{}", regions[ap.region].name);
    ap.dataset = std::string(spec.prefix);
    if (ap.adx) {
      AddObjects(rng, spec.prefix, out.empty(), &ap);
      AddHistory(options.seed, out.size(), spec.prefix, options.objects_per_data_set, &ap);
    } else {  // The provider's own access point fronts the first data set's objects.
      ap.objects = out.front().objects;
      ap.prefixes = out.front().prefixes;
    }
    out.push_back(std::move(ap));
  }
  return out;
}

std::string NewAccountId(Rng& rng, std::set<std::string>* taken) {
  for (;;) {
    // Real account ids may start with 0; keep a few like that.
    std::string account = rng.Chars(12, kDigits);
    if (taken->insert(account).second) return account;
  }
}

std::string SessionName(Rng& rng) {
  switch (rng.Uniform(4)) {
    case 0:
      return fmt::format("botocore-session-{}", 1680000000 + rng.Uniform(9000000));
    case 1:
      return fmt::format("aws-go-sdk-{}", 1680000000000000000ULL + rng.Uniform(1ULL << 50));
    case 2:
      return "i-0" + rng.Chars(16, kLowerHex);
    default:
      return "adx-sync";
  }
}

Subscriber NewSubscriber(Rng& rng, int rank, const std::vector<int>& adx_aps,
                         std::set<std::string>* taken) {
  Subscriber sub;
  sub.account = NewAccountId(rng, taken);
  std::string role_id = "AROA" + rng.Chars(17, kUpperAlnum);
  for (int idx = 0, count = 1 + static_cast<int>(rng.Uniform(2)); idx < count; ++idx) {
    sub.principals.push_back(role_id + ":" + SessionName(rng));
  }
  bool via_vpce = rng.Chance(0.25) || rank == 2;  // Some call through a VPC endpoint; one always.
  if (via_vpce) sub.vpc_endpoint = "vpce-0" + rng.Chars(16, kLowerHex);
  for (int idx = 0, count = 1 + static_cast<int>(rng.Uniform(3)); idx < count; ++idx) {
    sub.ips.push_back(via_vpce ? RandomPrivateIp(rng) : RandomPublicIp(rng));
  }
  for (int idx = 0, count = 1 + static_cast<int>(rng.Uniform(2)); idx < count; ++idx) {
    sub.user_agents.emplace_back(kSubscriberAgents[rng.Uniform(std::size(kSubscriberAgents))].text);
  }
  std::vector<int> entitled = adx_aps;
  rng.Shuffle(std::span<int>(entitled));
  entitled.resize(1 + rng.Uniform(std::min<size_t>(3, entitled.size())));
  std::sort(entitled.begin(), entitled.end());
  sub.access_points = entitled;
  sub.weight = 1200 / (rank + 1) + static_cast<int>(rng.Uniform(40));  // Zipf-like: heavy few.
  sub.requester_pays = !rng.Chance(0.1);
  return sub;
}

/// Return a fleet of `count` addresses (private ones behind a VPC endpoint), from its own stream.
std::vector<std::string> IpFleet(uint64_t seed, int rank, bool private_ips, int count) {
  Rng rng(DeriveSeed(seed, "fleet", static_cast<uint64_t>(rank)));
  std::vector<std::string> ips;
  for (int idx = 0; idx < count; ++idx) ips.push_back(private_ips ? RandomPrivateIp(rng) : RandomPublicIp(rng));
  return ips;
}

std::vector<ProviderRole> BuildRoles(Rng& rng) {
  std::vector<ProviderRole> roles;
  struct Spec {
    std::string_view name, session, agent;
  };
  const Spec specs[] = {
      {"DataPipelineRole", "etl-nightly",
       "[aws-sdk-java/2.20.162 Linux/5.10.184-175.749.amzn2.x86_64 "
       "OpenJDK_64-Bit_Server_VM/17.0.8.1+1 Java/17.0.8.1 io/sync http/Apache]"},
      {"AnalyticsRole", "emr-analytics",
       "[Hadoop 3.3.4, aws-sdk-java/1.12.367 Linux/5.10.179-168.710.amzn2.x86_64 "
       "OpenJDK_64-Bit_Server_VM/25.372-b07 java/1.8.0_372 scala/2.12.15]"},
      {"AdminRole", "jane.doe",
       "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 "
       "Linux/5.10.184-152.745.amzn2int.x86_64 java/1.8.0_372]"},
  };
  for (const Spec& spec : specs) {
    roles.push_back({std::string(spec.name), "AROA" + rng.Chars(17, kUpperAlnum),
                     std::string(spec.session), "ASIA" + rng.Chars(16, kUpperAlnum),
                     RandomPublicIp(rng), std::string(spec.agent)});
  }
  return roles;
}

}  // namespace

std::string RandomPublicIp(Rng& rng) {
  int first = kPublicFirstOctets[rng.Uniform(std::size(kPublicFirstOctets))];
  return fmt::format("{}.{}.{}.{}", first, rng.Uniform(256), rng.Uniform(256),
                     1 + rng.Uniform(254));
}

std::string RandomPrivateIp(Rng& rng) {
  return fmt::format("10.{}.{}.{}", rng.Uniform(256), rng.Uniform(256), 1 + rng.Uniform(254));
}

std::string_view ClientFamily(std::string_view user_agent) {
  for (std::span<const Agent> table : {std::span<const Agent>(kSubscriberAgents), std::span<const Agent>(kAnonymousAgents)}) {
    for (const Agent& agent : table) {
      if (agent.text == user_agent) return agent.family;
    }
  }
  return "Other";
}

std::string AccessPointArn(const World& world, const AccessPoint& ap) {
  return fmt::format("arn:aws:s3:{}:{}:accesspoint/{}", world.regions[ap.region].name, ap.account, ap.name);
}

std::string LogRoot(const World& world, int region) {
  if (world.regions[region].organization_trail) {
    return fmt::format("AWSLogs/{}/{}/", world.organization_id, world.provider_account);
  }
  return fmt::format("AWSLogs/{}/", world.provider_account);
}

World BuildWorld(const GenerateOptions& options) {
  const int subscribers = options.subscribers;
  const int days = options.days;
  Rng rng(DeriveSeed(options.seed, "world"));
  World world;
  world.provider_account = std::string(kProviderAccount);
  world.organization_id = "o-abcdefghij";
  world.trail_name = "adx-usage-trail";
  world.log_bucket = "aws-cloudtrail-logs-111122223333-adx";
  world.vpc_endpoint = "vpce-0" + rng.Chars(16, kLowerHex);
  world.regions = {{"us-east-1", 55, false}, {"us-west-2", 30, false}, {"eu-west-1", 15, true}};
  world.regions.resize(static_cast<size_t>(std::clamp(options.regions, 1, kMaxRegions)));
  world.access_points = BuildAccessPoints(rng, options, world.regions);
  world.roles = BuildRoles(rng);
  for (const Agent& agent : kAnonymousAgents) world.anonymous_user_agents.emplace_back(agent.text);

  std::vector<int> adx_aps;
  for (size_t idx = 0; idx < world.access_points.size(); ++idx) {
    if (world.access_points[idx].adx) adx_aps.push_back(static_cast<int>(idx));
  }
  std::set<std::string> taken = {std::string(kProviderAccount)};
  for (std::string_view account : kAdxServiceAccounts) taken.emplace(account);
  for (int rank = 0; rank < subscribers; ++rank) {
    world.subscribers.push_back(NewSubscriber(rng, rank, adx_aps, &taken));
    if (options.ips_per_subscriber > 0) {
      Subscriber& sub = world.subscribers.back();
      sub.ips = IpFleet(options.seed, rank, !sub.vpc_endpoint.empty(), options.ips_per_subscriber);
    }
  }
  // A heavy user who stops halfway (churn risk) and a light one who suddenly pulls everything.
  std::vector<Subscriber>& cast = world.subscribers;
  if (subscribers >= 2 && days >= 2) cast[1].churn_day = days / 2;
  if (subscribers >= 3) cast[subscribers - 1].spike_day = days * 2 / 3;
  // Over longer periods: failures in a burst, a second user going quiet, a second bulk download and
  // a subscriber who joins late (each role on its own subscriber).
  if (subscribers >= 4 && days >= 8) cast[2].error_burst_day = days / 4;
  if (subscribers >= 6 && days >= 8) cast[3].churn_day = days * 3 / 4;
  if (subscribers >= 7 && days >= 12) cast[4].spike_day = days * 5 / 6;
  if (subscribers >= 8 && days >= 9) cast[5].start_day = days / 3;
  return world;
}

}  // namespace adxm
