// The html_strip char filter (Lucene's HTMLStripCharFilter), normally from analysis-common.
package consult.es;

import java.io.Reader;
import java.util.HashSet;
import java.util.Set;

import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.CharFilterFactory;

final class HtmlStripCharFilterFactory implements CharFilterFactory {
    private final String name;
    private final Set<String> escapedTags;

    HtmlStripCharFilterFactory(String name, Settings s) {
        this.name = name;
        Set<String> tags = new HashSet<>(s.getAsList("escaped_tags"));
        this.escapedTags = tags.isEmpty() ? null : tags;
    }

    @Override public String name() { return name; }
    @Override public Reader create(Reader r) { return new HTMLStripCharFilter(r, escapedTags); }
}
