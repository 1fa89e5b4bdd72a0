// retail_test_rtsp_server: a tiny RTSP server on loopback for the integration tests. It serves a
// PRE-ENCODED H.264 elementary stream (no encoder runs: demux-free parse + payload, a few % of
// one core) in a loop, one mount per --mount. Run as its own process so tests can SIGKILL,
// SIGSTOP and SIGCONT it like a real camera that dies or hangs.
//
//   retail_test_rtsp_server --port 8554 --clip clip.h264 --fps 15 --mount /cam1 --mount /cam2
//
// Prints "READY <port>" on stdout once listening.
#include <gst/gst.h>
#include <gst/rtsp-server/rtsp-server.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  gst_init(&argc, &argv);
  int port = 8554;
  int fps = 15;
  std::string clip;
  std::vector<std::string> mounts;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--port")
      port = std::atoi(v.c_str());
    else if (k == "--clip")
      clip = v;
    else if (k == "--fps")
      fps = std::atoi(v.c_str());
    else if (k == "--mount")
      mounts.push_back(v);
  }
  if (clip.empty()) {
    std::fprintf(stderr, "usage: %s --port N --clip file.h264 [--fps 15] --mount /cam ...\n",
                 argv[0]);
    return 2;
  }
  if (mounts.empty()) mounts.emplace_back("/cam");
  GstRTSPServer* server = gst_rtsp_server_new();
  gst_rtsp_server_set_address(server, "127.0.0.1");
  gst_rtsp_server_set_service(server, std::to_string(port).c_str());
  GstRTSPMountPoints* points = gst_rtsp_server_get_mount_points(server);
  const std::string launch =
      "( multifilesrc location=\"" + clip +
      "\" loop=true caps=\"video/x-h264,stream-format=byte-stream,framerate=" +
      std::to_string(fps) + "/1\" ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=-1 )";
  for (const auto& m : mounts) {
    GstRTSPMediaFactory* f = gst_rtsp_media_factory_new();
    gst_rtsp_media_factory_set_launch(f, launch.c_str());
    gst_rtsp_media_factory_set_shared(f, FALSE);  // each client starts at a key frame
    gst_rtsp_media_factory_set_protocols(f, GST_RTSP_LOWER_TRANS_TCP);
    gst_rtsp_mount_points_add_factory(points, m.c_str(), f);
  }
  g_object_unref(points);
  GError* err = nullptr;
  if (gst_rtsp_server_attach(server, nullptr) == 0) {
    std::fprintf(stderr, "cannot listen on 127.0.0.1:%d\n", port);
    return 1;
  }
  (void)err;
  std::printf("READY %d\n", port);
  std::fflush(stdout);
  GMainLoop* loop = g_main_loop_new(nullptr, FALSE);
  g_main_loop_run(loop);
  return 0;
}
