package io.github.tunnelgw.core.cstp;

import io.github.tunnelgw.core.dataplane.UplinkPath;
import io.github.tunnelgw.core.session.EndReason;
import io.github.tunnelgw.core.session.Session;
import io.github.tunnelgw.core.session.SessionRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Acts on decoded CSTP frames of one session. Steps for a frame:
 * 1. Liveness stamp (any frame counts, as for ocserv's DPD)
 * 2. By type: DATA to the uplink path; DPD request echoed as response; keepalive and DPD response absorbed;
 *    DISCONNECT with the logout code ends the session, any other DISCONNECT only drops the connection
 */
public final class CstpSessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(CstpSessionHandler.class);

    private final CstpConnection connection;
    private final SessionRegistry registry;
    private final UplinkPath uplink;
    private final int leasedAddress;
    private final Runnable malformedCounter;

    public CstpSessionHandler(CstpConnection connection, SessionRegistry registry, UplinkPath uplink,
                              int leasedAddress, Runnable malformedCounter) {
        this.connection = connection;
        this.registry = registry;
        this.uplink = uplink;
        this.leasedAddress = leasedAddress;
        this.malformedCounter = malformedCounter;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        Session session = connection.session();
        session.markReceived();
        switch (CstpFrame.type(frame)) {
            case CstpFrame.DATA -> {
                frame.skipBytes(CstpFrame.HEADER_LENGTH);
                session.markData();
                connection.dataArrivedOverCstp(frame.readableBytes());
                uplink.forward(leasedAddress, frame, leasedAddress);
                frame.release();
            }
            case CstpFrame.DPD_REQUEST -> ctx.writeAndFlush(CstpFrame.dpdResponse(frame), ctx.voidPromise());
            case CstpFrame.DISCONNECT -> onDisconnect(ctx, frame, session);
            default -> frame.release();
        }
    }

    /** The end of one read from the socket: the uplink's held TCP segments leave now. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        uplink.flush();
        ctx.fireChannelReadComplete();
    }

    private void onDisconnect(ChannelHandlerContext ctx, ByteBuf frame, Session session) {
        boolean logout = CstpFrame.payloadLength(frame) > 0
                && frame.getByte(frame.readerIndex() + CstpFrame.HEADER_LENGTH) == CstpFrame.DISCONNECT_REASON_LOGOUT;
        frame.release();
        if (logout) {
            registry.end(session, EndReason.LOGOUT);
        } else {
            log.info("session of {}: client disconnected without logging out; cookie kept for reconnect", session.userName());
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        registry.detach(connection.session(), connection);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Session session = connection.session();
        if (cause instanceof MalformedFrameException malformed) {
            malformedCounter.run();
            log.warn("session of {} ended: malformed CSTP frame from {}: {}", session.userName(),
                    ctx.channel().remoteAddress(), malformed.getMessage());
            registry.end(session, EndReason.PROTOCOL_ERROR);
            ctx.close();
        } else if (cause instanceof IOException || cause.getCause() instanceof IOException) {
            log.debug("session of {}: connection error: {}", session.userName(), cause.toString());
            ctx.close();
        } else {
            log.warn("session of {}: unexpected error, closing the connection", session.userName(), cause);
            ctx.close();
        }
    }
}
