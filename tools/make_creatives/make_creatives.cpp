// Renders the sample ad creatives shipped in configs/creatives/ (our own artwork, drawn with
// cairo: gradients, shapes and text; no third-party images).
//
//   make_creatives <output-folder>
//
// Each creative is a 640x360 PNG named <id>.png, matching configs/campaigns.json.
#include <cairo.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace {

struct Rgb {
  double r, g, b;
};

struct Creative {
  const char* id;
  const char* headline;
  const char* subline;
  const char* tag;
  Rgb from, to, accent;
  int motif;  // 0 circles, 1 stripes, 2 triangles, 3 dots, 4 waves
};

constexpr int kW = 640;
constexpr int kH = 360;

void motif(cairo_t* cr, const Creative& c) {
  cairo_save(cr);
  cairo_set_source_rgba(cr, c.accent.r, c.accent.g, c.accent.b, 0.35);
  switch (c.motif) {
    case 0:
      for (int i = 0; i < 5; ++i) {
        cairo_arc(cr, 520 + 20 * i, 90 + 30 * i, 40 + 18 * i, 0, 2 * M_PI);
        cairo_set_line_width(cr, 6);
        cairo_stroke(cr);
      }
      break;
    case 1:
      for (int x = -kH; x < kW; x += 36) {
        cairo_move_to(cr, x, kH);
        cairo_line_to(cr, x + kH, 0);
      }
      cairo_set_line_width(cr, 10);
      cairo_stroke(cr);
      break;
    case 2:
      for (int i = 0; i < 6; ++i) {
        const double x = 380 + 45 * i;
        const double y = 40 + 50 * (i % 3);
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x + 60, y + 100);
        cairo_line_to(cr, x - 60, y + 100);
        cairo_close_path(cr);
        cairo_fill(cr);
      }
      break;
    case 3:
      for (int y = 20; y < kH; y += 40)
        for (int x = 360; x < kW; x += 40) {
          cairo_arc(cr, x + (y / 40 % 2) * 20, y, 8, 0, 2 * M_PI);
          cairo_fill(cr);
        }
      break;
    default:
      cairo_set_line_width(cr, 8);
      for (int k = 0; k < 5; ++k) {
        for (int x = 0; x <= kW; x += 8) {
          const double y = 240 + 22 * k + 18 * std::sin(x / 40.0 + k);
          if (x == 0)
            cairo_move_to(cr, x, y);
          else
            cairo_line_to(cr, x, y);
        }
        cairo_stroke(cr);
      }
      break;
  }
  cairo_restore(cr);
}

void text(cairo_t* cr, const char* s, double x, double y, double size, bool bold, Rgb color,
          double alpha = 1.0) {
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  // soft shadow, then the text
  cairo_set_source_rgba(cr, 0, 0, 0, 0.35 * alpha);
  cairo_move_to(cr, x + 2, y + 2);
  cairo_show_text(cr, s);
  cairo_set_source_rgba(cr, color.r, color.g, color.b, alpha);
  cairo_move_to(cr, x, y);
  cairo_show_text(cr, s);
}

bool render(const Creative& c, const std::string& path) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, kW, kH);
  cairo_t* cr = cairo_create(surface);
  cairo_pattern_t* bg = cairo_pattern_create_linear(0, 0, kW, kH);
  cairo_pattern_add_color_stop_rgb(bg, 0, c.from.r, c.from.g, c.from.b);
  cairo_pattern_add_color_stop_rgb(bg, 1, c.to.r, c.to.g, c.to.b);
  cairo_set_source(cr, bg);
  cairo_paint(cr);
  cairo_pattern_destroy(bg);
  motif(cr, c);

  const Rgb white{1, 1, 1};
  text(cr, c.headline, 36, 150, 48, true, white);
  text(cr, c.subline, 38, 200, 24, false, white, 0.92);

  // tag pill, bottom-left
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size(cr, 22);
  cairo_text_extents_t ext;
  cairo_text_extents(cr, c.tag, &ext);
  const double px = 36;
  const double py = 260;
  const double pw = ext.x_advance + 40;
  const double ph = 44;
  cairo_new_sub_path(cr);
  cairo_arc(cr, px + ph / 2, py + ph / 2, ph / 2, M_PI / 2, 3 * M_PI / 2);
  cairo_arc(cr, px + pw - ph / 2, py + ph / 2, ph / 2, -M_PI / 2, M_PI / 2);
  cairo_close_path(cr);
  cairo_set_source_rgb(cr, c.accent.r, c.accent.g, c.accent.b);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0.08, 0.08, 0.1);
  cairo_move_to(cr, px + 20, py + 30);
  cairo_show_text(cr, c.tag);

  // brand line, top-left
  text(cr, "gst-retail demo store", 36, 52, 18, false, white, 0.8);

  cairo_destroy(cr);
  const bool ok = cairo_surface_write_to_png(surface, path.c_str()) == CAIRO_STATUS_SUCCESS;
  cairo_surface_destroy(surface);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <output-folder>\n", argv[0]);
    return 2;
  }
  const std::vector<Creative> creatives = {
      {"welcome",
       "Welcome in!",
       "Fresh deals in every aisle today",
       "OPEN 8-21",
       {0.05, 0.35, 0.45},
       {0.1, 0.6, 0.55},
       {0.95, 0.85, 0.3},
       0},
      {"group-deal",
       "Shopping together?",
       "Three items for the price of two",
       "3 FOR 2",
       {0.75, 0.3, 0.05},
       {0.95, 0.55, 0.1},
       {1.0, 0.95, 0.7},
       2},
      {"duo-deal",
       "Bring a friend",
       "Second coffee is on us",
       "2ND FREE",
       {0.2, 0.15, 0.5},
       {0.45, 0.25, 0.7},
       {0.6, 0.95, 0.8},
       3},
      {"youth-sneakers",
       "New drop: Runners",
       "Light, loud and built to move",
       "-20% STUDENTS",
       {0.45, 0.05, 0.45},
       {0.15, 0.1, 0.55},
       {0.3, 1.0, 0.6},
       1},
      {"spring-collection",
       "Spring collection",
       "Linen, colour and comfort",
       "NEW IN",
       {0.8, 0.35, 0.5},
       {0.95, 0.6, 0.55},
       {1.0, 1.0, 0.85},
       4},
      {"smile-treat",
       "Good mood?",
       "Treat yourself: two scoops for 3",
       "SMILE DEAL",
       {0.95, 0.6, 0.1},
       {0.9, 0.3, 0.35},
       {1.0, 1.0, 0.6},
       3},
      {"morning-coffee",
       "Morning boost",
       "Coffee and croissant until 11:00",
       "BREAKFAST",
       {0.35, 0.2, 0.1},
       {0.6, 0.4, 0.2},
       {1.0, 0.85, 0.55},
       0},
      {"silver-club",
       "Silver club",
       "Members save 10% every Tuesday",
       "JOIN FREE",
       {0.3, 0.32, 0.38},
       {0.55, 0.58, 0.65},
       {0.95, 0.95, 1.0},
       4},
  };
  int failures = 0;
  for (const auto& c : creatives) {
    const std::string path = std::string(argv[1]) + "/" + c.id + ".png";
    if (!render(c, path)) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      ++failures;
    } else {
      std::printf("%s\n", path.c_str());
    }
  }
  return failures == 0 ? 0 : 1;
}
