// Event: the generator's in-memory model of one CloudTrail record. Everything the record's JSON
// and the ground truth need is decided here; rendering is a pure function of (World, Event), so a
// record delivered twice renders to identical bytes.
//
// Thread-safety: plain values.
// Example:
//   if (IsQualifying(event)) truth.Add(event);
//   writer.Append(event, &buffer);
#pragma once

#include <cstdint>
#include <string_view>

namespace adxm {

/// Who made the record and through what; decides its shape and whether it qualifies.
enum class EventKind : uint8_t {
  kSubscriberRead,     // Subscriber or anonymous read through an ADX access point: qualifies.
  kInternalRead,       // Provider role read through the provider's own access point.
  kDirectRead,         // Provider role GetObject straight on the bucket (no access point).
  kPut,                // Provider pipeline PutObject (readOnly false).
  kS3Management,       // Bucket management call (eventCategory Management).
  kServiceManagement,  // STS AssumeRole or KMS Decrypt (another eventSource).
  kNetworkActivity,    // VPC endpoint network activity event through an ADX access point.
};

/// The API operation (eventName).
enum class Operation : uint8_t {
  kGetObject,
  kHeadObject,
  kListObjects,
  kGetObjectAttributes,
  kPutObject,
  kGetBucketAcl,
  kGetBucketLocation,
  kListBuckets,
  kAssumeRole,
  kDecrypt,
};

/// The flavour of a ListObjects request.
enum class ListStyle : uint8_t {
  kNone,        // Not a list request.
  kV1NoPrefix,  // ListObjects V1 without a prefix (no `prefix` field at all).
  kV1Prefix,    // ListObjects V1 with a prefix.
  kV2,          // ListObjectsV2: `"list-type":"2"` with a prefix.
};

/// One record of the model.
struct Event {
  int64_t time = 0;         // eventTime, Unix seconds (UTC).
  uint64_t id_seed = 0;     // Seeds eventID, requestID and the record's other random text.
  int64_t bytes_out = -1;   // additionalEventData.bytesTransferredOut; -1 when absent.
  int32_t subscriber = -1;  // Index into World::subscribers; -1 for anonymous and the provider.
  int32_t item = 0;         // Object index, or prefix index for list requests, of the access point.
  int16_t access_point = 0;   // Index into World::access_points (also names the bucket).
  uint8_t region = 0;         // Index into World::regions.
  uint8_t variant = 0;        // Picks the subscriber's principal, IP and user agent.
  uint8_t event_version = 9;  // Minor of eventVersion "1.0N"/"1.1N": 8, 9 or 10.
  EventKind kind = EventKind::kSubscriberRead;
  Operation operation = Operation::kGetObject;
  ListStyle list_style = ListStyle::kNone;
  bool anonymous = false;        // Unsigned request: userIdentity accountId "anonymous".
  bool denied = false;           // Failed with AccessDenied (no bytes logged).
  bool no_such_key = false;      // Failed with NoSuchKey (no bytes logged); excludes `denied`.
  bool bytes_as_string = false;  // bytesTransferredOut written as a JSON string.
  bool requester_pays = false;   // x-amz-request-payer: requester.
};

/// Return true when the request failed (it has an errorCode).
inline bool IsFailed(const Event& event) { return event.denied || event.no_such_key; }

/// Return the errorCode of a failed request ("" when it succeeded).
inline std::string_view ErrorCodeOf(const Event& event) {
  return event.denied ? "AccessDenied" : event.no_such_key ? "NoSuchKey" : "";
}

/// Return the eventName of `operation`.
std::string_view OperationName(Operation operation);

/// Return true for an ADX usage event: S3 data read through an ADX-owned access point.
inline bool IsQualifying(const Event& event) { return event.kind == EventKind::kSubscriberRead; }

/// Return true for an event that qualifies by every rule except the access point's owner.
inline bool IsQualifyingAnyAccessPoint(const Event& event) {
  return event.kind == EventKind::kSubscriberRead || event.kind == EventKind::kInternalRead;
}

}  // namespace adxm
