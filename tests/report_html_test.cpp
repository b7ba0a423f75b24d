// ctest-labels: browser
// The HTML report as a reader meets it: one file opened offline in a browser.
// Headless Chromium runs the page's script; the totals it computes from the
// embedded tree must equal the JSON report's, and a screenshot is kept in the
// build tree for people to look at.
#include <cctype>
#include <cstring>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/raw_ostream.h>

#include "report/report_format.h"
#include "tests/headless_chromium.h"
#include "tests/test_support.h"

namespace romfit {
namespace {

constexpr const char *kDebianRom = "/usr/lib/ipxe/qemu/efi-e1000.rom";
constexpr const char *kMarkupSymbol = "</script><b>bold</b><!--";
constexpr const char *kMarkupImage = "<b>image</b>";

// The build tree: the nearest directory above the romfit binary with a
// CMakeCache.txt, wherever CMake put the binary inside it.
std::string buildDir() {
  std::string dir = llvm::sys::path::parent_path(ROMFIT_BINARY).str();
  for (std::string at = dir; !at.empty(); at = llvm::sys::path::parent_path(at).str())
    if (testing::fileExists(at + "/CMakeCache.txt"))
      return at;
  return dir;
}

void writeText(const std::string &path, const std::string &text) {
  std::error_code error;
  llvm::raw_fd_ostream file(path, error);
  ASSERT_FALSE(error) << path << ": " << error.message();
  file << text;
}

struct StartTag {
  std::string name;
  std::map<std::string, std::string> attributes;
};

std::string decodeEntities(const std::string &text) {
  static const std::pair<const char *, const char *> kEntities[] = {
      {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&nbsp;", "\u00a0"}, {"&amp;", "&"}};
  std::string decoded = text;
  for (const auto &[entity, character] : kEntities)
    for (size_t at = decoded.find(entity); at != std::string::npos;
         at = decoded.find(entity, at + 1))
      decoded.replace(at, std::strlen(entity), character);
  return decoded;
}

// The start tags of a serialised DOM, attributes decoded. Script and style
// bodies are skipped: their '<' are code, not markup.
std::vector<StartTag> startTags(const std::string &dom) {
  static const std::regex attribute(R"re(\s([^\s=/>]+)(?:="([^"]*)")?)re");
  std::vector<StartTag> tags;
  size_t at = 0;
  while ((at = dom.find('<', at)) != std::string::npos) {
    if (at + 1 >= dom.size() || !std::isalpha(static_cast<unsigned char>(dom[at + 1]))) {
      ++at;
      continue;
    }
    size_t end = at + 1;
    bool quoted = false;
    for (; end < dom.size() && (quoted || dom[end] != '>'); ++end)
      if (dom[end] == '"')
        quoted = !quoted;
    std::string text = dom.substr(at + 1, end - at - 1);
    StartTag tag;
    tag.name = text.substr(0, text.find_first_of(" \t\n/"));
    for (std::sregex_iterator match(text.begin(), text.end(), attribute), none; match != none;
         ++match)
      tag.attributes[(*match)[1]] = decodeEntities((*match)[2]);
    at = end;
    if (tag.name == "script" || tag.name == "style")
      at = dom.find("</" + tag.name, at);
    tags.push_back(std::move(tag));
  }
  return tags;
}

std::vector<StartTag> tagsWithScope(const std::vector<StartTag> &tags, const std::string &scope) {
  std::vector<StartTag> found;
  for (const StartTag &tag : tags) {
    auto it = tag.attributes.find("data-scope");
    if (it != tag.attributes.end() && it->second == scope)
      found.push_back(tag);
  }
  return found;
}

// Missing numbers differ from each other and from any real total, so a
// missing one can never pass for a match.
int64_t jsonNumber(const llvm::json::Object &object, llvm::StringRef key) {
  return object.getInteger(key).getValueOr(-2);
}

int64_t attributeNumber(const StartTag &tag, const std::string &name) {
  auto it = tag.attributes.find(name);
  int64_t number = -1;
  if (it == tag.attributes.end() || llvm::StringRef(it->second).getAsInteger(10, number))
    return -1;
  return number;
}

// Every resource a page could fetch starts with one of these; the page must
// need none of them.
void expectNoNetworkReferences(const std::string &html) {
  for (const char *reference : {"http://", "https://", "src=", "<link", "@import", "url("})
    EXPECT_EQ(html.find(reference), std::string::npos) << "the page refers to " << reference;
}

size_t occurrences(const std::string &text, const std::string &what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++count;
  return count;
}

// A ROM whose image and symbol names are markup, as a hostile or merely
// unusual object file could make them.
report::RomReport markupReport() {
  using report::plainRow;
  using report::RowKind;
  report::RomReport rom;
  rom.path = "hand-made.rom";
  rom.tree = plainRow("hand-made.rom", RowKind::Rom, 0);
  report::SizeNode &image = rom.tree.add(plainRow(kMarkupImage, RowKind::Image, 0));
  report::SizeNode &section = image.add(plainRow(".text", RowKind::Section, 0));
  report::SizeNode &member = section.add(plainRow("evil.o", RowKind::Member, 0));
  member.add(plainRow(kMarkupSymbol, RowKind::Symbol, 3000));
  member.add(plainRow("plain_symbol", RowKind::Symbol, 1000));
  image.add(plainRow("pe header", RowKind::Overhead, 512));
  rom.tree.add(plainRow("pci header", RowKind::Overhead, 28));
  report::finalizeTree(rom.tree);
  report::sortBySize(rom.tree);
  rom.fileSize = rom.tree.stored;
  rom.budget = measureAgainstBudget(rom.fileSize, kDefaultBudget);
  return rom;
}

// The JSON the page embeds, read back as the page's script reads it.
llvm::Expected<llvm::json::Value> embeddedData(const std::string &html) {
  const std::string opening = "id=\"report-data\">";
  size_t begin = html.find(opening);
  size_t end = html.find("</script>", begin);
  if (begin == std::string::npos || end == std::string::npos)
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "no embedded report data");
  begin += opening.size();
  return llvm::json::parse(html.substr(begin, end - begin));
}

bool treeHasName(const llvm::json::Object &row, llvm::StringRef name) {
  if (row.getString("name") == name)
    return true;
  if (const llvm::json::Array *children = row.getArray("children"))
    for (const llvm::json::Value &child : *children)
      if (treeHasName(*child.getAsObject(), name))
        return true;
  return false;
}

TEST(ReportHtml, MarkupInNamesCannotEscapeTheEmbeddedData) {
  std::string empty = report::reportHtml({});
  std::string html = report::reportHtml({markupReport()});
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<!--"), std::string::npos);
  EXPECT_EQ(occurrences(html, "</script"), occurrences(empty, "</script"));
  EXPECT_EQ(occurrences(html, "<script"), occurrences(empty, "<script"));

  auto data = embeddedData(html);
  ASSERT_TRUE(bool(data)) << llvm::toString(data.takeError());
  const llvm::json::Object &root =
      *data->getAsObject()->getArray("roms")->front().getAsObject()->getObject("root");
  EXPECT_TRUE(treeHasName(root, kMarkupSymbol));
  EXPECT_TRUE(treeHasName(root, kMarkupImage));
  EXPECT_EQ(jsonNumber(root, "compressed"), int64_t(4540));
}

TEST(ReportHtml, NeedsNoNetwork) { expectNoNetworkReferences(report::reportHtml({markupReport()})); }

class ReportHtmlInBrowser : public ::testing::Test {
protected:
  void SetUp() override {
    // CI installs chromium through scripts/setup; a machine without it must
    // not pass this test by skipping it.
    ASSERT_TRUE(bool(llvm::sys::findProgramByName("chromium")))
        << "chromium is not installed: run scripts/setup (it installs Debian's chromium "
           "package), which the HTML report test needs to render the page";
    scratch = testing::makeScratchDir("report-html");
  }
  void TearDown() override { llvm::sys::fs::remove_directories(scratch); }

  struct RenderedPage {
    std::string dom;
    std::vector<StartTag> tags;
  };

  // The page as the browser leaves it once its script has run.
  RenderedPage render(const std::string &htmlPath) {
    auto dump = testing::runChromium({"--dump-dom", testing::fileUrl(htmlPath)});
    EXPECT_EQ(dump.status, 0) << dump.err;
    RenderedPage page{dump.out, startTags(dump.out)};
    bool sawBody = false;
    for (const StartTag &tag : page.tags)
      if (tag.name == "body") {
        sawBody = true;
        EXPECT_EQ(tag.attributes.count("data-error"), 0u)
            << "the page's script failed: " << tag.attributes.at("data-error");
        EXPECT_EQ(tag.attributes.count("data-rendered"), 1u)
            << "the page's script did not finish\n" << dump.out.substr(0, 2000) << dump.err;
      }
    EXPECT_TRUE(sawBody) << dump.out.substr(0, 2000) << dump.err;
    return page;
  }

  // `romfit report` in HTML and JSON for the same arguments; the page's
  // totals, summed by its script from the tree's leaves, against the JSON's.
  void expectPageTotalsMatchJson(const std::vector<std::string> &inputs,
                                 const std::string &screenshot) {
    std::string htmlPath = scratch + "/report.html";
    std::vector<std::string> htmlArguments{"report", "--format", "html", "-o", htmlPath};
    std::vector<std::string> jsonArguments{"report", "--format", "json"};
    htmlArguments.insert(htmlArguments.end(), inputs.begin(), inputs.end());
    jsonArguments.insert(jsonArguments.end(), inputs.begin(), inputs.end());
    auto htmlRun = testing::runRomfit(htmlArguments);
    ASSERT_EQ(htmlRun.status, 0) << htmlRun.err;
    auto jsonRun = testing::runRomfit(jsonArguments);
    ASSERT_EQ(jsonRun.status, 0) << jsonRun.err;
    auto json = llvm::json::parse(jsonRun.out);
    ASSERT_TRUE(bool(json)) << llvm::toString(json.takeError());
    std::string html = testing::readText(htmlPath);
    expectNoNetworkReferences(html);

    std::vector<StartTag> tags = render(htmlPath).tags;
    std::vector<StartTag> romTotals = tagsWithScope(tags, "rom");
    std::vector<StartTag> imageTotals = tagsWithScope(tags, "image");
    const llvm::json::Array &roms = *json->getAsObject()->getArray("roms");
    ASSERT_EQ(romTotals.size(), roms.size());
    size_t imagesInJson = 0;
    for (size_t index = 0; index < roms.size(); ++index) {
      const llvm::json::Object &entry = *roms[index].getAsObject();
      const llvm::json::Object &root = *entry.getObject("root");
      std::string path = entry.getString("path")->str();
      const StartTag &rom = romTotals[index];
      EXPECT_EQ(rom.attributes.at("data-path"), path);
      EXPECT_EQ(attributeNumber(rom, "data-total-compressed"), jsonNumber(root, "compressed"))
          << path;
      EXPECT_EQ(attributeNumber(rom, "data-total-compressed"), jsonNumber(entry, "size")) << path;
      EXPECT_EQ(attributeNumber(rom, "data-total-raw"), jsonNumber(root, "raw")) << path;
      for (const llvm::json::Value &child : *root.getArray("children")) {
        const llvm::json::Object &image = *child.getAsObject();
        std::string name = image.getString("name")->str();
        ++imagesInJson;
        const StartTag *shown = nullptr;
        for (const StartTag &tag : imageTotals)
          if (tag.attributes.at("data-rom") == std::to_string(index) &&
              tag.attributes.at("data-image") == name)
            shown = &tag;
        ASSERT_TRUE(shown) << path << ": the page shows no totals for " << name;
        EXPECT_EQ(attributeNumber(*shown, "data-total-compressed"), jsonNumber(image, "compressed"))
            << path << " " << name;
        EXPECT_EQ(attributeNumber(*shown, "data-total-raw"), jsonNumber(image, "raw"))
            << path << " " << name;
      }
    }
    EXPECT_EQ(imageTotals.size(), imagesInJson);

    std::string screenshotPath = buildDir() + "/" + screenshot;
    llvm::sys::fs::remove(screenshotPath);
    auto shot = testing::runChromium(
        {"--screenshot=" + screenshotPath, "--window-size=1280,900", testing::fileUrl(htmlPath)});
    EXPECT_EQ(shot.status, 0) << shot.err;
    ASSERT_TRUE(testing::fileExists(screenshotPath)) << shot.err;
    std::string png = testing::readText(screenshotPath);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    // A blank 1280x900 page compresses to a few KiB; a drawn report does not.
    EXPECT_GT(png.size(), 30u * 1024) << screenshotPath;
  }

  std::string scratch;
};

TEST_F(ReportHtmlInBrowser, DebianRomTotalsMatchTheJsonReport) {
  ASSERT_TRUE(testing::fileExists(kDebianRom)) << "run scripts/setup: it installs ipxe-qemu";
  expectPageTotalsMatchJson({kDebianRom}, "report-screenshot.png");
}

TEST_F(ReportHtmlInBrowser, MarkupInNamesIsShownAsText) {
  std::string htmlPath = scratch + "/markup.html";
  writeText(htmlPath, report::reportHtml({markupReport()}));
  RenderedPage page = render(htmlPath);
  const std::vector<StartTag> &tags = page.tags;
  for (const StartTag &tag : tags)
    EXPECT_NE(tag.name, "b") << "a name became markup";
  EXPECT_NE(page.dom.find("&lt;b&gt;image&lt;/b&gt;"), std::string::npos)
      << "the image's name is not shown as text";
  std::vector<StartTag> romTotals = tagsWithScope(tags, "rom");
  ASSERT_EQ(romTotals.size(), 1u);
  EXPECT_EQ(attributeNumber(romTotals[0], "data-total-compressed"), 4540);
  // The image and the PCI header beside it.
  std::vector<StartTag> imageTotals = tagsWithScope(tags, "image");
  ASSERT_EQ(imageTotals.size(), 2u);
  EXPECT_EQ(imageTotals[0].attributes.at("data-image"), kMarkupImage);
  EXPECT_EQ(attributeNumber(imageTotals[0], "data-total-raw"), 4512);
}

} // namespace
} // namespace romfit
