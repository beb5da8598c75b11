// World: the static cast of a generated bucket — the provider, its regions, buckets and access
// points (ADX data sets and its own internal one), the objects behind them, the subscribers with
// their stable habits, and the provider's own IAM roles that make noise.
//
// Thread-safety: built once, then read-only.
// Example:
//   World world = BuildWorld(options);  // GenerateOptions: seed, subscribers, days, regions, ...
//   const AccessPoint& ap = world.access_points[world.subscribers[0].access_points[0]];
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "generate/generator.h"
#include "generate/random.h"

namespace adxm {

/// Regions a world can have data in (us-east-1, us-west-2, eu-west-1).
inline constexpr int kMaxRegions = 3;

/// Most stable IPs a subscriber has without a fleet (GenerateOptions::ips_per_subscriber).
inline constexpr size_t kMaxStableIps = 3;

/// The ADX for S3 service accounts that own data set access points (DESIGN.md §2).
inline constexpr std::string_view kAdxServiceAccounts[] = {
    "540564263739", "504002150500", "337040091392", "366362662752", "330489627928", "291973504423",
    "461002523379", "036905324694", "675969394711", "108584782536", "844053218156"};

/// An AWS region with provider data in it.
struct RegionInfo {
  std::string name;         // e.g. "us-east-1".
  int weight = 1;           // Relative share of traffic.
  bool organization_trail;  // Its logs land under AWSLogs/<org id>/<account>/ (an org trail).
};

/// An object in a provider bucket.
struct S3Object {
  std::string key;    // Object key, may hold spaces, quotes and UTF-8.
  uint64_t size = 0;  // Bytes.
};

/// An access point on a provider bucket: an ADX data set's, or the provider's own.
struct AccessPoint {
  std::string name;                   // Last segment of the ARN.
  std::string account;                // Owner: an ADX service account, or the provider.
  int region = 0;                     // Index into World::regions.
  std::string bucket;                 // Provider bucket it fronts.
  std::string dataset;                // The data set's name (its top-level folder).
  bool adx = false;                   // Owned by an ADX service account.
  std::vector<S3Object> objects;      // Objects reachable through it.
  std::vector<std::string> prefixes;  // Prefixes subscribers list ("fx-rates/2023/04/").
};

/// A subscriber account and its stable habits.
struct Subscriber {
  std::string account;                   // 12-digit AWS account id.
  std::vector<std::string> principals;   // "AROA…:session" as the bucket owner sees them.
  std::vector<std::string> ips;          // Source IPs: 1-3 stable ones, or a fleet.
  std::vector<std::string> user_agents;  // Stable clients.
  std::vector<int> access_points;        // Entitled ADX access points (World::access_points).
  std::string vpc_endpoint;              // Requester's VPC endpoint id, "" for internet callers.
  int weight = 1;                        // Relative activity (heavy and light users).
  bool requester_pays = true;            // Sends x-amz-request-payer: requester.
  int churn_day = -1;                    // First day index with no activity; -1: never churns.
  int spike_day = -1;                    // Day index of a bulk download; -1: none.
  int start_day = 0;                     // First day index with activity (new subscribers start late).
  int error_burst_day = -1;              // Day index of a burst of NoSuchKey failures; -1: none.
};

/// One of the provider's own IAM roles, the source of noise events.
struct ProviderRole {
  std::string name;        // Role name, e.g. "DataPipelineRole".
  std::string role_id;     // "AROA…" unique id.
  std::string session;     // Session name.
  std::string access_key;  // Temporary "ASIA…" access key id.
  std::string ip;          // Source IP.
  std::string user_agent;  // Client.
};

/// Roles in World::roles.
enum class RoleId { kPipeline = 0, kAnalytics = 1, kAdmin = 2 };

/// Everything stable across the generated period.
struct World {
  std::string provider_account;                    // Bucket owner, recipient of every event.
  std::string organization_id;                     // "o-…" of the organization trail.
  std::string trail_name;                          // Trail name, used in digest file names.
  std::string log_bucket;                          // Bucket the trail writes to.
  std::string vpc_endpoint;                        // The provider's own VPC endpoint.
  std::vector<RegionInfo> regions;                 // Regions with data.
  std::vector<AccessPoint> access_points;          // ADX data sets and the provider's own.
  std::vector<Subscriber> subscribers;             // Subscriber accounts.
  std::vector<ProviderRole> roles;                 // Indexed by RoleId.
  std::vector<std::string> anonymous_user_agents;  // Clients of unsigned requests.

  /// Return the role `id`.
  const ProviderRole& role(RoleId id) const { return roles[static_cast<int>(id)]; }
};

/// Return the key prefix of `region`'s logs: "AWSLogs/<account>/", or for an organization
/// trail "AWSLogs/<org id>/<account>/".
std::string LogRoot(const World& world, int region);

/// Return the client family of a user agent the generator uses ("AWS CLI", "Java SDK", "Browser",
/// ...), labelled by hand in the agent tables; "Other" for one it does not know.
std::string_view ClientFamily(std::string_view user_agent);

/// Return the ARN of access point `ap`: arn:aws:s3:<region>:<owner>:accesspoint/<name>.
std::string AccessPointArn(const World& world, const AccessPoint& ap);

/// Return a random IPv4 address from ranges that public cloud and ISP clients use.
std::string RandomPublicIp(Rng& rng);

/// Return a random address in 10.0.0.0/8 (callers inside a VPC).
std::string RandomPrivateIp(Rng& rng);

/// Build the world of `options` (seed, subscribers, days, regions, objects per data set, IPs per
/// subscriber), deterministically from the seed. The knobs beyond seed, subscribers and days take
/// their own random streams, so a world without them is the same as before they existed. Besides heavy and light users it casts, when there are enough subscribers and days: subscribers
/// who go quiet (#1 at half the period, #3 at three quarters), bulk downloads (the last subscriber at
/// two thirds, #4 at five sixths), a subscriber who starts at a third (#5) and a burst of failures (#2
/// at a quarter).
World BuildWorld(const GenerateOptions& options);

}  // namespace adxm
