// The asciifolding token filter (Lucene's ASCIIFoldingFilter), normally from analysis-common.
package consult.es;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;

final class AsciiFoldingFilterFactory implements NormalizingTokenFilterFactory {
    private final String name;
    private final boolean preserveOriginal;

    AsciiFoldingFilterFactory(String name, boolean preserveOriginal) {
        this.name = name;
        this.preserveOriginal = preserveOriginal;
    }

    @Override public String name() { return name; }
    @Override public TokenStream create(TokenStream ts) { return new ASCIIFoldingFilter(ts, preserveOriginal); }
    // normalizers and synonym parsing need exactly one token per input token
    @Override public TokenStream normalize(TokenStream ts) { return new ASCIIFoldingFilter(ts, false); }
    @Override public TokenFilterFactory getSynonymFilter() { return new AsciiFoldingFilterFactory(name, false); }
}
