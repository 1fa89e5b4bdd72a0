// Integration-test helpers: a pre-encoded H.264 clip, the loopback RTSP server as a separate
// process (so tests can SIGKILL / SIGSTOP it like a camera that dies or hangs), retail-launch as
// a child process, a tiny HTTP GET and a Prometheus text parser.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace retail::test {

// 640x360 15 fps H.264 byte-stream made once from media/faces/hamilton_640x360.mp4 (cached in
// the build dir). Empty string when the shared media are missing.
std::string prepare_h264_clip();

int free_tcp_port();
bool wait_for_port(int port, int timeout_ms);

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Starts argv[0] with stdout/stderr to `log_prefix`.out / .err.
  bool start(const std::vector<std::string>& argv, const std::string& log_prefix);
  bool running();  // false once it exited (reaps it)
  void signal(int sig);
  int wait(int timeout_ms);  // exit code, 128+signal if killed, -1 on timeout
  void kill_now();
  pid_t pid() const { return pid_; }
  std::string out() const;  // captured stdout
  std::string err() const;  // captured stderr

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string prefix_;
};

class RtspServer {
 public:
  RtspServer(int port, std::vector<std::string> mounts) : port_(port), mounts_(std::move(mounts)) {}
  bool start();  // returns once the server accepts connections (bounded)
  void kill9() {
    proc_.signal(9);
    proc_.wait(5000);
  }
  void freeze() { proc_.signal(19); }  // SIGSTOP
  void resume() { proc_.signal(18); }  // SIGCONT
  std::string url(const std::string& mount) const;
  int port() const { return port_; }

 private:
  int port_;
  std::vector<std::string> mounts_;
  ChildProcess proc_;
};

// GET http://127.0.0.1:<port><path>; returns the status code and fills `body` (-1 on failure).
int http_get(int port, const std::string& path, std::string* body, int timeout_ms = 3000);

// Parses Prometheus text format 0.0.4. Returns false (with `problem`) on any malformed line.
// Keys are the series as written: name{labels}.
bool parse_prometheus(const std::string& text, std::map<std::string, double>* series,
                      std::string* problem);

// One scrape of retail-launch's /metrics, with a lookup of a per-camera series.
struct Metrics {
  std::map<std::string, double> s;
  // The value of `name{...camera="<camera>"...}`, or -1 when there is none.
  double cam(const std::string& name, const std::string& camera) const;
};
// GET /metrics on `port` into `m`; false with `problem` set on any failure.
bool scrape(int port, Metrics* m, std::string* problem);

std::string build_path(const std::string& relative);  // inside the build dir

}  // namespace retail::test
