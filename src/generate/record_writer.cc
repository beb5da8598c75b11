#include "generate/record_writer.h"

#include <fmt/format.h>

#include <iterator>

#include "generate/json_text.h"
#include "generate/random.h"
#include "generate/time_text.h"

namespace adxm {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Everything one record's rendering needs.
struct Context {
  const World& world;
  const Event& event;
  const AccessPoint& ap;
  const std::string& region;
  Rng rng;  // The record's own random text, seeded by Event::id_seed.
  std::string* out;
  bool tls13 = true;
};

std::string Uuid(Rng& rng) {
  uint64_t hi = rng.Next(), lo = rng.Next();
  hi = (hi & ~uint64_t{0xf000}) | 0x4000;                  // Version 4.
  lo = (lo & ~(uint64_t{3} << 62)) | (uint64_t{2} << 62);  // RFC 4122 variant.
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xffff,
                     hi & 0xffff, lo >> 48, lo & 0xffffffffffffULL);
}

const ProviderRole& RoleOf(const Context& ctx) {
  switch (ctx.event.kind) {
    case EventKind::kPut:
      return ctx.world.role(RoleId::kPipeline);
    case EventKind::kInternalRead:
    case EventKind::kDirectRead:
      return ctx.world.role(RoleId::kAnalytics);
    default:
      return ctx.world.role(RoleId::kAdmin);
  }
}

void AppendAssumedRole(const Context& ctx, const ProviderRole& role) {
  const std::string& account = ctx.world.provider_account;
  std::string* out = ctx.out;
  AppendJsonField(out,
                  "{\"type\":\"AssumedRole\",\"principalId\":", role.role_id + ":" + role.session);
  AppendJsonField(
      out, ",\"arn\":",
      fmt::format("arn:aws:sts::{}:assumed-role/{}/{}", account, role.name, role.session));
  AppendJsonField(out, ",\"accountId\":", account);
  AppendJsonField(out, ",\"accessKeyId\":", role.access_key);
  AppendJsonField(out, ",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":",
                  role.role_id);
  AppendJsonField(out, ",\"arn\":", fmt::format("arn:aws:iam::{}:role/{}", account, role.name));
  AppendJsonField(out, ",\"accountId\":", account);
  AppendJsonField(out, ",\"userName\":", role.name);
  AppendJsonField(out, "},\"attributes\":{\"creationDate\":",
                  FormatIsoTime(ctx.event.time - ctx.event.time % 3600));
  out->append(",\"mfaAuthenticated\":\"false\"}}}");
}

void AppendIdentity(const Context& ctx) {
  const Event& event = ctx.event;
  if (event.anonymous) {
    ctx.out->append(R"({"type":"AWSAccount","principalId":"","accountId":"anonymous"})");
  } else if (event.operation == Operation::kAssumeRole) {
    ctx.out->append(R"({"type":"AWSService","invokedBy":"ec2.amazonaws.com"})");
  } else if (event.subscriber >= 0) {
    const Subscriber& subscriber = ctx.world.subscribers[event.subscriber];
    AppendJsonField(ctx.out, "{\"type\":\"AWSAccount\",\"principalId\":",
                    subscriber.principals[event.variant % subscriber.principals.size()]);
    AppendJsonField(ctx.out, ",\"accountId\":", subscriber.account);
    ctx.out->push_back('}');
  } else {
    AppendAssumedRole(ctx, RoleOf(ctx));
  }
}

std::string SourceIp(Context& ctx) {
  const Event& event = ctx.event;
  if (event.kind == EventKind::kNetworkActivity) return RandomPrivateIp(ctx.rng);
  if (event.anonymous) return RandomPublicIp(ctx.rng);
  if (event.subscriber >= 0) {
    const Subscriber& subscriber = ctx.world.subscribers[event.subscriber];
    // A few stable IPs follow the event's variant; a fleet spreads calls over every address.
    uint64_t pick = subscriber.ips.size() <= kMaxStableIps ? event.variant / 3 : event.id_seed >> 32;
    return subscriber.ips[pick % subscriber.ips.size()];
  }
  return RoleOf(ctx).ip;
}

std::string_view UserAgent(const Context& ctx) {
  std::string_view agent = RequesterUserAgent(ctx.world, ctx.event);
  return agent.empty() ? RoleOf(ctx).user_agent : agent;
}

bool ThroughAccessPoint(const Event& event) {
  return event.kind == EventKind::kSubscriberRead || event.kind == EventKind::kInternalRead ||
         event.kind == EventKind::kNetworkActivity;
}

std::string Host(const Context& ctx) {
  if (ctx.event.operation == Operation::kListBuckets)
    return fmt::format("s3.{}.amazonaws.com", ctx.region);
  if (ThroughAccessPoint(ctx.event)) {
    return fmt::format("{}-{}.s3-accesspoint.{}.amazonaws.com", ctx.ap.name, ctx.ap.account,
                       ctx.region);
  }
  return fmt::format("{}.s3.{}.amazonaws.com", ctx.ap.bucket, ctx.region);
}

bool HasPrefix(const Event& event) {
  return event.list_style == ListStyle::kV1Prefix || event.list_style == ListStyle::kV2;
}

void AppendRequestParameters(const Context& ctx, const std::string& host) {
  const Event& event = ctx.event;
  std::string* out = ctx.out;
  out->append(event.list_style == ListStyle::kV2 ? "{\"list-type\":\"2\"," : "{");
  if (event.operation == Operation::kListBuckets) {
    AppendJsonField(out, "\"Host\":", host);
    out->push_back('}');
    return;
  }
  AppendJsonField(out, "\"bucketName\":", ctx.ap.bucket);
  AppendJsonField(out, ",\"Host\":", host);
  switch (event.operation) {
    case Operation::kListObjects:
      if (HasPrefix(event)) AppendJsonField(out, ",\"prefix\":", ctx.ap.prefixes[event.item]);
      out->append(R"(,"delimiter":"/","encoding-type":"url")");
      if (event.list_style == ListStyle::kV2) out->append(R"(,"max-keys":"1000")");
      break;
    case Operation::kGetBucketAcl:
      out->append(R"(,"acl":"")");
      break;
    case Operation::kGetBucketLocation:
      out->append(R"(,"location":"")");
      break;
    default:
      AppendJsonField(out, ",\"key\":", ctx.ap.objects[event.item].key);
      if (event.operation == Operation::kGetObjectAttributes) {
        out->append(R"(,"x-amz-object-attributes":"ETag,ObjectSize,StorageClass")");
      }
      break;
  }
  if (event.requester_pays) out->append(R"(,"x-amz-request-payer":"requester")");
  out->push_back('}');
}

void AppendAdditionalEventData(Context& ctx) {
  const Event& event = ctx.event;
  std::string* out = ctx.out;
  out->append(",\"additionalEventData\":{");
  if (!event.anonymous) out->append(R"("SignatureVersion":"SigV4",)");
  out->append(ctx.tls13 ? R"("CipherSuite":"TLS_AES_128_GCM_SHA256")"
                        : R"("CipherSuite":"ECDHE-RSA-AES128-GCM-SHA256")");
  if (!event.denied) {
    bool put = event.operation == Operation::kPutObject;
    AppendJsonNumber(out, ",\"bytesTransferredIn\":",
                     put ? static_cast<int64_t>(ctx.ap.objects[event.item].size) : 0);
  }
  if (!event.anonymous) out->append(R"(,"AuthenticationMethod":"AuthHeader")");
  AppendJsonField(out, ",\"x-amz-id-2\":", ctx.rng.Chars(76, kBase64));
  if (event.bytes_out >= 0 && !event.denied) {
    if (event.bytes_as_string) {
      AppendJsonField(out, ",\"bytesTransferredOut\":", std::to_string(event.bytes_out));
    } else {
      AppendJsonNumber(out, ",\"bytesTransferredOut\":", event.bytes_out);
    }
  }
  out->push_back('}');
}

void AppendBucketResource(const Context& ctx) {
  AppendJsonField(ctx.out, "{\"accountId\":", ctx.world.provider_account);
  AppendJsonField(ctx.out,
                  ",\"type\":\"AWS::S3::Bucket\",\"ARN\":", "arn:aws:s3:::" + ctx.ap.bucket);
  ctx.out->push_back('}');
}

void AppendResources(const Context& ctx) {
  const Event& event = ctx.event;
  std::string* out = ctx.out;
  if (event.operation == Operation::kListBuckets) return;
  out->append(",\"resources\":[");
  bool object_level = event.kind != EventKind::kS3Management;
  if (event.operation == Operation::kListObjects) {
    if (HasPrefix(event)) {
      AppendJsonField(out, "{\"type\":\"AWS::S3::Object\",\"ARNPrefix\":",
                      "arn:aws:s3:::" + ctx.ap.bucket + "/" + ctx.ap.prefixes[event.item]);
      out->append("},");
    }
  } else if (object_level) {
    AppendJsonField(out, "{\"type\":\"AWS::S3::Object\",\"ARN\":",
                    "arn:aws:s3:::" + ctx.ap.bucket + "/" + ctx.ap.objects[event.item].key);
    out->append("},");
  }
  AppendBucketResource(ctx);
  if (ThroughAccessPoint(event)) {
    AppendJsonField(out, ",{\"accountId\":", ctx.ap.account);
    AppendJsonField(
        out, ",\"type\":\"AWS::S3::AccessPoint\",\"ARN\":",
        fmt::format("arn:aws:s3:{}:{}:accesspoint/{}", ctx.region, ctx.ap.account, ctx.ap.name));
    out->push_back('}');
  }
  out->push_back(']');
}

void AppendVpcEndpoint(const Context& ctx) {
  const Event& event = ctx.event;
  if (event.kind == EventKind::kNetworkActivity) {
    AppendJsonField(ctx.out, ",\"vpcEndpointId\":", ctx.world.vpc_endpoint);
    AppendJsonField(ctx.out, ",\"vpcEndpointAccountId\":", ctx.world.provider_account);
    return;
  }
  if (event.subscriber < 0) return;
  const Subscriber& subscriber = ctx.world.subscribers[event.subscriber];
  if (subscriber.vpc_endpoint.empty()) return;
  AppendJsonField(ctx.out, ",\"vpcEndpointId\":", subscriber.vpc_endpoint);
  // Newer record versions also name the endpoint's account.
  if (event.event_version >= 9)
    AppendJsonField(ctx.out, ",\"vpcEndpointAccountId\":", subscriber.account);
}

void AppendHead(Context& ctx, std::string_view source) {
  std::string* out = ctx.out;
  fmt::format_to(std::back_inserter(*out),
                 "{{\"eventVersion\":\"1.{:02}\",\"userIdentity\":", ctx.event.event_version);
  AppendIdentity(ctx);
  AppendJsonField(out, ",\"eventTime\":", FormatIsoTime(ctx.event.time));
  AppendJsonField(out, ",\"eventSource\":", source);
  AppendJsonField(out, ",\"eventName\":", OperationName(ctx.event.operation));
  AppendJsonField(out, ",\"awsRegion\":", ctx.region);
}

void AppendTail(Context& ctx, bool management, std::string_view category) {
  std::string* out = ctx.out;
  out->append(management ? R"(,"eventType":"AwsApiCall","managementEvent":true)"
              : ctx.event.kind == EventKind::kNetworkActivity
                  ? R"(,"eventType":"AwsVpceEvent","managementEvent":false)"
                  : R"(,"eventType":"AwsApiCall","managementEvent":false)");
  AppendJsonField(out, ",\"recipientAccountId\":", ctx.world.provider_account);
  if (ctx.event.subscriber >= 0) AppendJsonField(out, ",\"sharedEventID\":", Uuid(ctx.rng));
  AppendVpcEndpoint(ctx);
  AppendJsonField(out, ",\"eventCategory\":", category);
}

void AppendError(const Context& ctx) {
  if (ctx.event.kind == EventKind::kNetworkActivity) {
    ctx.out->append(R"(,"errorCode":"VpceAccessDenied",)"
                    R"("errorMessage":"The request was denied due to a VPC endpoint policy")");
  } else if (ctx.event.denied) {
    ctx.out->append(R"(,"errorCode":"AccessDenied","errorMessage":"Access Denied")");
  } else if (ctx.event.no_such_key) {
    ctx.out->append(R"(,"errorCode":"NoSuchKey","errorMessage":"The specified key does not exist.")");
  }
}

void AppendTlsDetails(const Context& ctx, const std::string& host) {
  ctx.out->append(ctx.tls13 ? R"(,"tlsDetails":{"tlsVersion":"TLSv1.3",)"
                              R"("cipherSuite":"TLS_AES_128_GCM_SHA256")"
                            : R"(,"tlsDetails":{"tlsVersion":"TLSv1.2",)"
                              R"("cipherSuite":"ECDHE-RSA-AES128-GCM-SHA256")");
  AppendJsonField(ctx.out, ",\"clientProvidedHostHeader\":", host);
  ctx.out->push_back('}');
}

void AppendS3Event(Context& ctx) {
  const Event& event = ctx.event;
  std::string* out = ctx.out;
  bool network = event.kind == EventKind::kNetworkActivity;
  bool management = event.kind == EventKind::kS3Management;
  bool put = event.operation == Operation::kPutObject;
  AppendHead(ctx, "s3.amazonaws.com");
  AppendJsonField(out, ",\"sourceIPAddress\":", SourceIp(ctx));
  AppendJsonField(out, ",\"userAgent\":", UserAgent(ctx));
  AppendError(ctx);
  std::string host = Host(ctx);
  out->append(",\"requestParameters\":");
  AppendRequestParameters(ctx, host);
  out->append(put ? R"(,"responseElements":{"x-amz-server-side-encryption":"AES256"})"
                  : R"(,"responseElements":null)");
  if (!network) AppendAdditionalEventData(ctx);
  AppendJsonField(out, ",\"requestID\":", ctx.rng.Chars(16, kUpperAlnum));
  AppendJsonField(out, ",\"eventID\":", Uuid(ctx.rng));
  out->append(put ? R"(,"readOnly":false)" : R"(,"readOnly":true)");
  AppendResources(ctx);
  AppendTail(ctx, management, network ? "NetworkActivity" : management ? "Management" : "Data");
  if (!network) AppendTlsDetails(ctx, host);
  out->push_back('}');
}

/// STS AssumeRole by EC2 for the pipeline role.
void AppendAssumeRoleBody(Context& ctx) {
  std::string* out = ctx.out;
  const std::string& account = ctx.world.provider_account;
  const ProviderRole& role = ctx.world.role(RoleId::kPipeline);
  std::string role_arn = fmt::format("arn:aws:iam::{}:role/{}", account, role.name);
  out->append(R"(,"sourceIPAddress":"ec2.amazonaws.com","userAgent":"ec2.amazonaws.com")");
  AppendJsonField(out, ",\"requestParameters\":{\"roleArn\":", role_arn);
  AppendJsonField(out, ",\"roleSessionName\":", role.session);
  AppendJsonField(out,
                  "},\"responseElements\":{\"credentials\":{\"accessKeyId\":", role.access_key);
  AppendJsonField(out, ",\"sessionToken\":", "IQoJb3JpZ2luX2VjE" + ctx.rng.Chars(180, kBase64));
  AppendJsonField(out, ",\"expiration\":", FormatIsoTime(ctx.event.time + 3600));
  AppendJsonField(out, "}},\"requestID\":", Uuid(ctx.rng));
  AppendJsonField(out, ",\"eventID\":", Uuid(ctx.rng));
  AppendJsonField(out, ",\"readOnly\":true,\"resources\":[{\"accountId\":", account);
  AppendJsonField(out, ",\"type\":\"AWS::IAM::Role\",\"ARN\":", role_arn);
}

/// KMS Decrypt made by S3 on behalf of a provider role reading an encrypted object.
void AppendDecryptBody(Context& ctx) {
  std::string* out = ctx.out;
  const std::string& account = ctx.world.provider_account;
  Rng key_rng(DeriveSeed(0, ctx.region));  // One KMS key per region.
  out->append(R"(,"sourceIPAddress":"s3.amazonaws.com","userAgent":"s3.amazonaws.com")");
  AppendJsonField(out, ",\"requestParameters\":{\"encryptionContext\":{\"aws:s3:arn\":",
                  "arn:aws:s3:::" + ctx.ap.bucket + "/" + ctx.ap.objects[ctx.event.item].key);
  out->append(R"(},"encryptionAlgorithm":"SYMMETRIC_DEFAULT"},"responseElements":null)");
  AppendJsonField(out, ",\"requestID\":", Uuid(ctx.rng));
  AppendJsonField(out, ",\"eventID\":", Uuid(ctx.rng));
  AppendJsonField(out, ",\"readOnly\":true,\"resources\":[{\"accountId\":", account);
  AppendJsonField(out, ",\"type\":\"AWS::KMS::Key\",\"ARN\":",
                  fmt::format("arn:aws:kms:{}:{}:key/{}", ctx.region, account, Uuid(key_rng)));
}

void AppendServiceEvent(Context& ctx) {
  bool assume = ctx.event.operation == Operation::kAssumeRole;
  AppendHead(ctx, assume ? "sts.amazonaws.com" : "kms.amazonaws.com");
  if (assume) {
    AppendAssumeRoleBody(ctx);
  } else {
    AppendDecryptBody(ctx);
  }
  ctx.out->append("}]");
  AppendTail(ctx, /*management=*/true, "Management");
  ctx.out->push_back('}');
}

}  // namespace

void RecordWriter::Append(const Event& event, std::string* out) const {
  const AccessPoint& ap = world_.access_points[event.access_point];
  Context ctx{world_, event, ap, world_.regions[event.region].name, Rng(event.id_seed), out};
  ctx.tls13 = ctx.rng.Chance(0.8);
  if (event.kind == EventKind::kServiceManagement) {
    AppendServiceEvent(ctx);
  } else {
    AppendS3Event(ctx);
  }
}

std::string_view RequesterUserAgent(const World& world, const Event& event) {
  if (event.anonymous) {
    const auto& agents = world.anonymous_user_agents;
    return agents[event.variant % agents.size()];
  }
  if (event.subscriber >= 0) {
    const Subscriber& subscriber = world.subscribers[event.subscriber];
    return subscriber.user_agents[(event.variant / 7) % subscriber.user_agents.size()];
  }
  return "";
}

}  // namespace adxm
