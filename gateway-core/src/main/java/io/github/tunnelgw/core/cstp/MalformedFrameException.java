package io.github.tunnelgw.core.cstp;

import io.netty.handler.codec.DecoderException;

/** A CSTP frame broke the framing rules; the session that sent it ends, nobody else is affected. */
public final class MalformedFrameException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }
}
