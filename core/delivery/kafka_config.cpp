#include "delivery/kafka_config.h"

#include <glib.h>

#include <fstream>
#include <sstream>

#include "common/error.h"

namespace retail::delivery {

namespace {

std::string trim(const std::string& s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return {};
  const size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

void parse_entry(const std::string& raw, const std::string& where, KeyValues* out) {
  const std::string entry = trim(raw);
  if (entry.empty() || entry[0] == '#') return;
  const size_t eq = entry.find('=');
  if (eq == std::string::npos || eq == 0)
    throw Error(ErrorKind::kConfig,
                "kafka-config: cannot parse '" + entry + "'" + where +
                    ": write librdkafka settings as key=value, separated by ';' "
                    "(or one per line in a file)");
  std::string key = trim(entry.substr(0, eq));
  std::string value = trim(entry.substr(eq + 1));
  if (key.empty() || key.find_first_of(" \t") != std::string::npos)
    throw Error(ErrorKind::kConfig, "kafka-config: invalid key in '" + entry + "'" + where +
                                        ": keys are librdkafka property names such as "
                                        "security.protocol");
  out->emplace_back(std::move(key), std::move(value));
}

}  // namespace

KeyValues parse_kafka_config(const std::string& text) {
  KeyValues out;
  const std::string t = trim(text);
  if (t.empty()) return out;
  if (t.find('=') == std::string::npos) {
    // A file path.
    std::ifstream in(t);
    if (!in)
      throw Error(ErrorKind::kNotFound,
                  "kafka-config: '" + t +
                      "' is neither key=value pairs nor a readable file: fix the path or write "
                      "key=value;key=value");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      parse_entry(line, " (" + t + " line " + std::to_string(n) + ")", &out);
    }
    return out;
  }
  std::stringstream ss(t);
  std::string item;
  while (std::getline(ss, item, ';')) parse_entry(item, "", &out);
  return out;
}

}  // namespace retail::delivery
