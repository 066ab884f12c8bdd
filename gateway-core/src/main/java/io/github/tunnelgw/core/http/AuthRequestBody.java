package io.github.tunnelgw.core.http;

import io.netty.util.concurrent.FastThreadLocal;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.io.StringReader;
import java.util.Optional;

/**
 * The client's {@code <config-auth>} document (init or auth-reply, reference §1.3 and §1.5), reduced to what
 * the gateway logs. Parsed with DTDs and external entities off, so a hostile body cannot make the parser fetch
 * or expand anything.
 */
public record AuthRequestBody(String type, Optional<String> clientVersion, Optional<String> deviceId) {
    public static final int MAX_LENGTH = 64 * 1024;
    private static final DocumentBuilderFactory FACTORY = secureFactory();
    /**
     * One builder per thread, reset after each document: building a parser configuration costs more than parsing
     * the few hundred bytes of a login body. {@code reset()} returns it to the factory's secure settings.
     */
    private static final FastThreadLocal<DocumentBuilder> BUILDER = new FastThreadLocal<>() {
        @Override
        protected DocumentBuilder initialValue() throws ParserConfigurationException {
            return FACTORY.newDocumentBuilder();
        }
    };

    public static AuthRequestBody parse(String xml) throws MalformedRequestException {
        if (xml.length() > MAX_LENGTH) {
            throw new MalformedRequestException("XML body over " + MAX_LENGTH + " characters");
        }
        Document document;
        DocumentBuilder builder = BUILDER.get();
        try {
            builder.setErrorHandler(RethrowingErrorHandler.INSTANCE);
            document = builder.parse(new InputSource(new StringReader(xml)));
        } catch (SAXException | IOException e) {
            throw new MalformedRequestException("malformed XML body: " + oneLine(e.getMessage()));
        } finally {
            builder.reset();
        }
        Element root = document.getDocumentElement();
        if (!"config-auth".equals(root.getNodeName())) {
            throw new MalformedRequestException("XML body is not a <config-auth> document");
        }
        String type = root.getAttribute("type");
        if (type.isEmpty()) {
            throw new MalformedRequestException("<config-auth> has no type attribute");
        }
        return new AuthRequestBody(type, childText(root, "version"), childText(root, "device-id"));
    }

    private static Optional<String> childText(Element parent, String name) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child.getNodeType() == Node.ELEMENT_NODE && name.equals(child.getNodeName())) {
                String text = child.getTextContent().strip();
                return text.isEmpty() ? Optional.empty() : Optional.of(text.length() > 64 ? text.substring(0, 64) : text);
            }
        }
        return Optional.empty();
    }

    /** Fails on errors instead of printing them to stderr, which is what the default handler does. */
    private enum RethrowingErrorHandler implements org.xml.sax.ErrorHandler {
        INSTANCE;

        @Override
        public void warning(org.xml.sax.SAXParseException e) {
        }

        @Override
        public void error(org.xml.sax.SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
            throw e;
        }
    }

    private static String oneLine(String message) {
        return message == null ? "unparseable" : message.replaceAll("\\s+", " ");
    }

    private static DocumentBuilderFactory secureFactory() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            factory.setNamespaceAware(false);
            return factory;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser cannot be configured securely", e);
        }
    }
}
