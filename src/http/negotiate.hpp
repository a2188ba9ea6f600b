#pragma once

// Accept-header negotiation for /metrics (RFC 9110 §12.5.1).
//
// edgestat renders two formats. For each, the most specific media range in
// Accept that matches it sets its q-value (type/subtype with a matching
// version or charset parameter beats type/subtype, which beats type/*,
// which beats */*; equally specific ranges take the highest q). OpenMetrics
// is served only when its q is strictly higher than text's; a tie, no
// Accept, an Accept we cannot parse, or an Accept listing neither format
// (we never answer 406) all get text 0.0.4, which every Prometheus parses.
//
// A range matches OpenMetrics when it is application/openmetrics-text (or a
// wildcard) with no version parameter or version=1.0.0, and text when it is
// text/plain (or a wildcard) with no version or version=0.0.4. A charset
// parameter other than utf-8 makes a range match neither. Other parameters
// (escaping=allow-utf-8 from Prometheus 3) are ignored: every edgestat metric
// name is valid under every escaping scheme.
//
// OpenMetrics version=0.0.1 does not select OpenMetrics: the response's
// Content-Type says version=1.0.0, and a client that listed only 0.0.1 did
// not say it accepts that. Every Prometheus that asks for 0.0.1 also offers
// text/plain;version=0.0.4, so it gets text, which it parses fine.

#include <string_view>

#include "http/request_parser.hpp"

namespace edgestat::http {

enum class Format { Text004, OpenMetrics100 };

inline constexpr std::string_view kContentTypeText004 =
    "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view kContentTypeOpenMetrics100 =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

// The Content-Type header value for a format.
std::string_view content_type(Format format);

// Negotiates from one Accept field value.
Format negotiate_format(std::string_view accept);

// Negotiates from every Accept header of the request, read as one list
// (RFC 9110 §5.3). No Accept header means text.
Format negotiate_format(const Request& req);

// JSON endpoints: whether the client ranks text/html strictly above
// application/json by the same rules (a browser's "text/html,...,*/*;q=0.8"
// does; curl's "*/*", a program's "application/json", no Accept and an
// Accept we cannot parse all get JSON).
bool prefers_html(std::string_view accept);
bool prefers_html(const Request& req);

// Whether gzip is an acceptable content coding (RFC 9110 §12.5.3): yes
// without an Accept-Encoding header, else when gzip, x-gzip or * is listed
// with a q above 0 (an entry naming gzip outranks *).
bool accepts_gzip(const Request& req);

}  // namespace edgestat::http
