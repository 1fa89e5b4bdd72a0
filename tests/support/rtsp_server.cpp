#include "support/rtsp_server.h"

#include <fcntl.h>
#include <gio/gio.h>
#include <gst/gst.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "support/test_support.h"

namespace retail::test {

std::string build_path(const std::string& relative) {
  const char* b = std::getenv("RETAIL_BUILD_DIR");
  return std::string(b != nullptr ? b : RETAIL_BINARY_DIR) + "/" + relative;
}

std::string prepare_h264_clip() {
  const std::string src = media("faces/hamilton_640x360.mp4");
  if (!std::filesystem::exists(src)) return "";
  const std::string dir = build_path("test-media");
  std::filesystem::create_directories(dir);
  const std::string out = dir + "/hamilton_640x360_15fps.h264";
  if (std::filesystem::exists(out) && std::filesystem::file_size(out) > 100000) return out;
  const std::string tmp = out + ".tmp" + std::to_string(getpid());
  const std::string desc = "filesrc location=\"" + src +
                           "\" ! qtdemux ! avdec_h264 ! videorate ! video/x-raw,framerate=15/1 ! "
                           "x264enc speed-preset=ultrafast tune=zerolatency key-int-max=15 "
                           "bitrate=800 ! video/x-h264,stream-format=byte-stream ! filesink "
                           "location=\"" +
                           tmp + "\"";
  RunResult r = run_pipeline(desc, 120);
  if (!r.error.empty()) return "";
  std::filesystem::rename(tmp, out);
  return out;
}

int free_tcp_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

bool wait_for_port(int port, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

ChildProcess::~ChildProcess() { kill_now(); }

namespace {

// The child's environment, prepared before fork (the child may only exec). In the asan build
// (RETAIL_ASAN_RUNTIME is defined by tests/CMakeLists.txt) every child preloads the ASan runtime, so a
// program we did not build (gst-launch-1.0) can load our instrumented plugin; such a program's own
// allocations are not ours to leak-check, so leak detection is off in it.
std::vector<std::string> child_environment(const std::vector<std::string>& argv) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
#ifdef RETAIL_ASAN_RUNTIME
  const char* runtime = RETAIL_ASAN_RUNTIME;
#else
  const char* runtime = nullptr;
#endif
  if (runtime == nullptr) return env;
  bool foreign = false;
  for (const auto& a : argv) foreign = foreign || a.rfind("gst-", 0) == 0 || a.find("/gst-") != std::string::npos;
  const char* asan = std::getenv("ASAN_OPTIONS");
  for (auto it = env.begin(); it != env.end();) {
    if (it->rfind("LD_PRELOAD=", 0) == 0 || (foreign && it->rfind("ASAN_OPTIONS=", 0) == 0)) {
      it = env.erase(it);
    } else {
      ++it;
    }
  }
  env.push_back(std::string("LD_PRELOAD=") + runtime);
  if (foreign) env.push_back(std::string("ASAN_OPTIONS=") + (asan ? asan : "") + ":detect_leaks=0");
  return env;
}

}  // namespace

bool ChildProcess::start(const std::vector<std::string>& argv, const std::string& log_prefix) {
  prefix_ = log_prefix;
  status_ = -1;
  const std::vector<std::string> env = child_environment(argv);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) return false;
  if (pid_ == 0) {
    const int out = open((log_prefix + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open((log_prefix + ".err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(err, 2);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  return true;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int st = 0;
  const pid_t r = waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = st;
    pid_ = -1;
    return false;
  }
  return true;
}

void ChildProcess::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int ChildProcess::wait(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
    if (!running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (pid_ > 0) return -1;
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) return 128 + WTERMSIG(status_);
  return -1;
}

void ChildProcess::kill_now() {
  if (pid_ > 0) {
    ::kill(pid_, SIGCONT);
    ::kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
    pid_ = -1;
  }
}

static std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string ChildProcess::out() const { return slurp(prefix_ + ".out"); }
std::string ChildProcess::err() const { return slurp(prefix_ + ".err"); }

bool RtspServer::start() {
  const std::string clip = prepare_h264_clip();
  if (clip.empty()) return false;
  std::vector<std::string> argv = {build_path("tests/retail_test_rtsp_server"),
                                   "--port",
                                   std::to_string(port_),
                                   "--clip",
                                   clip,
                                   "--fps",
                                   "15"};
  for (const auto& m : mounts_) {
    argv.emplace_back("--mount");
    argv.push_back(m);
  }
  const std::string prefix = build_path("Testing/rtsp_server_" + std::to_string(port_));
  std::filesystem::create_directories(build_path("Testing"));
  if (!proc_.start(argv, prefix)) return false;
  return wait_for_port(port_, 10000);
}

std::string RtspServer::url(const std::string& mount) const {
  return "rtsp://127.0.0.1:" + std::to_string(port_) + mount;
}

int http_get(int port, const std::string& path, std::string* body, int timeout_ms) {
  GSocketClient* client = g_socket_client_new();
  g_socket_client_set_enable_proxy(client, FALSE);
  g_socket_client_set_timeout(client, static_cast<guint>(std::max(1, timeout_ms / 1000)));
  GError* err = nullptr;
  GSocketConnection* conn = g_socket_client_connect_to_host(
      client, "127.0.0.1", static_cast<guint16>(port), nullptr, &err);
  if (conn == nullptr) {
    g_clear_error(&err);
    g_object_unref(client);
    return -1;
  }
  const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  GOutputStream* os = g_io_stream_get_output_stream(G_IO_STREAM(conn));
  g_output_stream_write_all(os, req.data(), req.size(), nullptr, nullptr, nullptr);
  GInputStream* is = g_io_stream_get_input_stream(G_IO_STREAM(conn));
  std::string resp;
  char buf[8192];
  gssize n = 0;
  while ((n = g_input_stream_read(is, buf, sizeof buf, nullptr, nullptr)) > 0)
    resp.append(buf, static_cast<size_t>(n));
  g_object_unref(conn);
  g_object_unref(client);
  int status = -1;
  if (resp.rfind("HTTP/1.", 0) == 0 && resp.size() > 12) status = std::atoi(resp.c_str() + 9);
  if (status < 0)
    std::fprintf(stderr, "http_get %s: %zu bytes: %.60s\n", path.c_str(), resp.size(),
                 resp.c_str());
  const size_t sep = resp.find("\r\n\r\n");
  if (body != nullptr) *body = sep == std::string::npos ? "" : resp.substr(sep + 4);
  return status;
}

bool parse_prometheus(const std::string& text, std::map<std::string, double>* series,
                      std::string* problem) {
  static const std::regex sample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*)?\})? ([-+]?([0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?|NaN|\+Inf|-Inf))( [0-9]+)?$)");
  static const std::regex meta(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
  std::stringstream ss(text);
  std::string line;
  int n = 0;
  while (std::getline(ss, line)) {
    ++n;
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (!std::regex_match(line, meta)) {
        *problem = "line " + std::to_string(n) + ": bad comment: " + line;
        return false;
      }
      continue;
    }
    std::smatch m;
    if (!std::regex_match(line, m, sample)) {
      *problem = "line " + std::to_string(n) + ": not a sample: " + line;
      return false;
    }
    const std::string key = line.substr(0, line.rfind(' '));
    (*series)[key] = std::stod(m[7].str());
  }
  return !series->empty();
}

double Metrics::cam(const std::string& name, const std::string& camera) const {
  for (const auto& [k, v] : s)
    if (k.rfind(name + "{", 0) == 0 && k.find("camera=\"" + camera + "\"") != std::string::npos)
      return v;
  return -1;
}

bool scrape(int port, Metrics* m, std::string* problem) {
  std::string body;
  const int status = http_get(port, "/metrics", &body);
  if (status != 200) {
    *problem = "GET /metrics -> " + std::to_string(status);
    return false;
  }
  m->s.clear();
  return parse_prometheus(body, &m->s, problem);
}

}  // namespace retail::test
